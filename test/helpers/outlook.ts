import type { Config } from '../../src/config/load-config.ts';
import { createMsalClient, exchangeOutlookCode, outlookConsentRequest } from '../../src/integrations/outlook/outlook-auth.ts';
import { saveConnectedAccount } from '../../src/store/account-repository.ts';
import type { Database } from '../../src/store/database.ts';
import { openSecretBox, type SecretBox } from '../../src/store/secret-box.ts';
import type { GraphEmulator } from '../emulators/graph/index.ts';
import { testConfig } from './test-config.ts';

export const OUTLOOK_CLIENT_ID = 'rapport-test';
export const OUTLOOK_CLIENT_SECRET = 'rapport-test-secret';

/** A configuration pointed at the Graph emulator (Graph and the identity platform), with the client it accepts. */
export function outlookTestConfig(emulator: GraphEmulator, env: Record<string, string> = {}): Config {
  return testConfig({
    RAPPORT_GRAPH_URL: emulator.url,
    RAPPORT_MICROSOFT_AUTHORITY: new URL('common/', emulator.url).toString(),
    RAPPORT_MICROSOFT_CLIENT_ID: OUTLOOK_CLIENT_ID,
    RAPPORT_MICROSOFT_CLIENT_SECRET: OUTLOOK_CLIENT_SECRET,
    ...env,
  });
}

/**
 * Stores an Outlook account as `rapport accounts connect outlook` would after its user
 * consented: the consent URL is followed (the emulator consents for `address` and
 * redirects with a code), MSAL redeems the code with the PKCE verifier, and the token
 * cache is sealed.
 */
export async function connectSeededOutlookAccount(
  db: Database,
  config: Config,
  emulator: GraphEmulator,
  address: string,
): Promise<{ accountId: number; secrets: SecretBox }> {
  const secrets = openSecretBox(config.dataDir, {});
  const redirectUri = 'http://localhost:7412/oauth/outlook/callback';
  emulator.setConsentUser(address);
  const consent = await outlookConsentRequest(createMsalClient(config.microsoft), redirectUri, 'state-1', address);
  const code = await consentCode(consent.url);
  const result = await exchangeOutlookCode(config.microsoft, redirectUri, code, consent.codeVerifier);
  const accountId = await saveConnectedAccount(db, 'outlook', result.address, secrets.seal(result.tokens), result.grantedScopes);
  return { accountId, secrets };
}

/** Follows a consent URL (https on the emulator's host) to the emulator; returns the code it redirects with. */
export async function consentCode(url: string): Promise<string> {
  const response = await fetch(url.replace(/^https:/, 'http:'), { redirect: 'manual' });
  const location = response.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`the emulator did not consent (${response.status})`);
  return code;
}
