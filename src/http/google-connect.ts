import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { consentRequest, createOAuthClient, exchangeCode, GOOGLE_SCOPES } from '../integrations/google/google-auth.ts';
import { openGoogleSession } from '../integrations/google/google-session.ts';
import { DEFAULT_CALL_POLICY } from '../integrations/google/google-call.ts';
import { OPEN_GATE } from '../core/quota.ts';
import { saveConnectedAccount } from '../store/account-repository.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';

/** How long a consent link stays usable. */
const STATE_TTL_SECONDS = 600;

export const GOOGLE_CALLBACK_PATH = '/oauth/google/callback';

/** The address Google sends the browser back to. */
export function googleRedirectUri(config: Config): string {
  const base = config.http.publicUrl || `http://${config.http.host}:${config.http.port}`;
  return new URL(GOOGLE_CALLBACK_PATH, base).toString();
}

interface PendingConsent {
  codeVerifier: string;
  redirectUri: string;
}

const stateKey = (config: Config, state: string) => `${config.queuePrefix}:oauth-state:${state}`;

/**
 * Starts connecting a Google account: a consent URL with a fresh `state` and PKCE
 * verifier, kept in Redis so that whichever rapport process serves the callback can
 * finish it.
 */
export async function beginGoogleConnect(config: Config, redis: Redis, loginHint?: string): Promise<{ url: string; state: string }> {
  requireGoogleClient(config);
  const redirectUri = googleRedirectUri(config);
  const state = randomBytes(18).toString('base64url');
  const consent = await consentRequest(createOAuthClient(config.google, redirectUri), state, loginHint);
  const pending: PendingConsent = { codeVerifier: consent.codeVerifier, redirectUri };
  await redis.set(stateKey(config, state), JSON.stringify(pending), 'EX', STATE_TTL_SECONDS);
  return { url: consent.url, state };
}

export interface ConnectedAccount {
  accountId: number;
  address: string;
  missingScopes: string[];
}

/**
 * Finishes connecting: checks the state, exchanges the code, asks Gmail whose mailbox it
 * is, and stores the tokens sealed. The state is single use.
 */
export async function finishGoogleConnect(
  deps: { config: Config; redis: Redis; db: Database; secrets: SecretBox },
  state: string,
  code: string,
): Promise<ConnectedAccount> {
  const key = stateKey(deps.config, state);
  const stored = await deps.redis.getdel(key);
  if (!stored) throw new InvalidInputError('This sign-in link has expired or was already used. Run `rapport accounts connect gmail` again.');
  const pending = JSON.parse(stored) as PendingConsent;
  const client = createOAuthClient(deps.config.google, pending.redirectUri);
  const { tokens, missingScopes } = await exchangeCode(client, code, pending.codeVerifier);
  const session = openGoogleSession({
    settings: deps.config.google,
    tokens,
    address: '(connecting)',
    policy: { ...DEFAULT_CALL_POLICY, maxAttempts: 3, gate: OPEN_GATE },
  });
  const profile = await session.call(1, () => session.gmail.users.getProfile({ userId: 'me' }));
  const address = (profile.emailAddress ?? '').toLowerCase();
  if (!address) throw new InvalidInputError('Google did not say which mailbox was connected; try again.');
  const granted = tokens.scope ? tokens.scope.split(/\s+/).filter(Boolean) : [...GOOGLE_SCOPES];
  const accountId = await saveConnectedAccount(deps.db, 'gmail', address, deps.secrets.seal(tokens), granted);
  return { accountId, address, missingScopes };
}

export function requireGoogleClient(config: Config): void {
  if (!config.google.clientId || !config.google.clientSecret) {
    throw new InvalidInputError(
      'No Google OAuth client is configured. Set RAPPORT_GOOGLE_CLIENT_ID and RAPPORT_GOOGLE_CLIENT_SECRET (or google.clientId and google.clientSecret in your config file); the README says how to create one.',
    );
  }
}
