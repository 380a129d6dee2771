import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { createMsalClient, exchangeOutlookCode, outlookConsentRequest } from '../integrations/outlook/outlook-auth.ts';
import type { FastifyInstance } from 'fastify';
import { accountOfClientState, readGraphNotifications, type GraphNotification } from '../integrations/outlook/outlook-subscriptions.ts';
import { findAccount, saveConnectedAccount, setPushChannel, type AccountRow } from '../store/account-repository.ts';
import type { TypedQueue } from '../workers/queues.ts';
import { requestSync } from '../workers/sync-worker.ts';
import { sameSecret } from './web-guard.ts';
import { registerConsentCallback } from './consent-callback.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { ConnectedAccount } from './google-connect.ts';

/** How long a consent link stays usable. */
const STATE_TTL_SECONDS = 600;

export const OUTLOOK_CALLBACK_PATH = '/oauth/outlook/callback';

/**
 * The address Microsoft sends the browser back to. Entra ID accepts plain HTTP only for
 * `localhost`, so the local default uses that name rather than 127.0.0.1.
 */
export function outlookRedirectUri(config: Config): string {
  const host = config.http.host === '127.0.0.1' ? 'localhost' : config.http.host;
  const base = config.http.publicUrl || `http://${host}:${config.http.port}`;
  return new URL(OUTLOOK_CALLBACK_PATH, base).toString();
}

interface PendingConsent {
  codeVerifier: string;
  redirectUri: string;
}

const stateKey = (config: Config, state: string) => `${config.queuePrefix}:oauth-state:outlook:${state}`;

/**
 * Starts connecting an Outlook or Microsoft 365 account: a consent URL with a fresh
 * `state` and PKCE verifier, kept in Redis so that whichever rapport process serves the
 * callback can finish it.
 */
export async function beginOutlookConnect(config: Config, redis: Redis, loginHint?: string): Promise<{ url: string; state: string }> {
  requireMicrosoftClient(config);
  const redirectUri = outlookRedirectUri(config);
  const state = randomBytes(18).toString('base64url');
  const consent = await outlookConsentRequest(createMsalClient(config.microsoft), redirectUri, state, loginHint);
  const pending: PendingConsent = { codeVerifier: consent.codeVerifier, redirectUri };
  await redis.set(stateKey(config, state), JSON.stringify(pending), 'EX', STATE_TTL_SECONDS);
  return { url: onAuthorityScheme(consent.url, config.microsoft.authority), state };
}

/**
 * MSAL writes its URLs under https even for an emulator's plain-HTTP authority (it
 * refuses http ones); the browser must be sent to the address that really answers.
 */
function onAuthorityScheme(url: string, authority: string): string {
  const configured = new URL(authority);
  const consent = new URL(url);
  if (configured.protocol === 'http:' && consent.protocol === 'https:' && consent.host === configured.host) consent.protocol = 'http:';
  return consent.toString();
}

/**
 * Finishes connecting: checks the state (single use), exchanges the code through MSAL,
 * and stores the account's token cache sealed.
 */
export async function finishOutlookConnect(
  deps: { config: Config; redis: Redis; db: Database; secrets: SecretBox },
  state: string,
  code: string,
): Promise<ConnectedAccount> {
  const stored = await deps.redis.getdel(stateKey(deps.config, state));
  if (!stored) throw new InvalidInputError('This sign-in link has expired or was already used. Run `rapport accounts connect outlook` again.');
  const pending = JSON.parse(stored) as PendingConsent;
  const result = await exchangeOutlookCode(deps.config.microsoft, pending.redirectUri, code, pending.codeVerifier);
  if (!result.address) throw new InvalidInputError('Microsoft did not say which mailbox was connected; try again.');
  const accountId = await saveConnectedAccount(deps.db, 'outlook', result.address, deps.secrets.seal(result.tokens), result.grantedScopes);
  return { accountId, address: result.address, missingScopes: result.missingScopes };
}

export function requireMicrosoftClient(config: Config): void {
  if (!config.microsoft.clientId || !config.microsoft.clientSecret) {
    throw new InvalidInputError(
      'No Microsoft app is configured. Set RAPPORT_MICROSOFT_CLIENT_ID and RAPPORT_MICROSOFT_CLIENT_SECRET (or microsoft.clientId and microsoft.clientSecret in your config file); the README says how to register one.',
    );
  }
}

/** What the Outlook routes need from the server. */
export interface OutlookRouteDeps {
  config: Config;
  db: Database;
  redis: Redis;
  secrets: SecretBox;
  syncQueue: TypedQueue<'sync'>;
  onConnected?: (account: ConnectedAccount) => void;
}

/**
 * The consent callback, and Graph's change and lifecycle notifications. Each
 * notification URL first answers Graph's validation request (the token echoed as plain
 * text); a notification counts only when its clientState is the one stored for the
 * subscription it names. Notifications carry ids only, so each wakes a delta sync (one
 * per account at a time, so duplicates cost nothing).
 */
export function registerOutlookRoutes(app: FastifyInstance, deps: OutlookRouteDeps): void {
  const prefix = deps.config.queuePrefix;

  registerConsentCallback(app, deps, {
    path: OUTLOOK_CALLBACK_PATH, company: 'Microsoft', command: 'rapport accounts connect outlook',
    finish: (state, code) => finishOutlookConnect(deps, state, code),
  });

  const verified = async (item: GraphNotification) => {
    const accountId = accountOfClientState(item.clientState ?? '');
    const account = accountId === null ? null : await findAccount(deps.db, accountId);
    const subscription = account?.provider === 'outlook' ? account.pushChannel : null;
    if (!account || !subscription || subscription.id !== item.subscriptionId || !sameSecret(item.clientState ?? '', subscription.token)) return null;
    return account;
  };

  /**
   * A notification URL: Graph's validation request is answered with its token; each
   * notification whose subscription and clientState check out is handled, then a delta
   * sync of the account is asked for. 202 when any was accepted, else 403.
   */
  const notifications = (path: string, handle: (account: AccountRow, item: GraphNotification) => Promise<void>) =>
    app.post<{ Querystring: { validationToken?: string } }>(path, async (request, reply) => {
      if (request.query.validationToken !== undefined) return reply.code(200).type('text/plain').send(request.query.validationToken);
      let accepted = 0;
      for (const item of readGraphNotifications(request.body)) {
        const account = await verified(item);
        if (!account) continue;
        accepted += 1;
        await handle(account, item);
        if (account.syncStatus !== 'needs_reauth') await requestSync(deps.syncQueue, deps.redis, prefix, 'mail', account.id);
      }
      return reply.code(accepted > 0 ? 202 : 403).send();
    });

  // Changes carry ids only: the delta sync reads them.
  notifications('/webhooks/outlook', async () => undefined);
  // Removed: the next sync creates a new subscription. Otherwise it renews it now. Either
  // way the delta sync catches what was missed.
  notifications('/webhooks/outlook/lifecycle', async (account, item) => {
    const subscription = account.pushChannel!;
    await setPushChannel(deps.db, account.id, item.lifecycleEvent === 'subscriptionRemoved' ? null : { ...subscription, expiresAt: new Date(0).toISOString() });
  });
}
