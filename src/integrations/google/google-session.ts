// The two modules of googleapis rapport uses, not its index, which loads every Google API.
import { calendar, type calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
import { gmail, type gmail_v1 } from 'googleapis/build/src/apis/gmail/index.js';
import { createOAuthClient, googleEndpoints, type GoogleClientSettings, type GoogleTokens } from './google-auth.ts';
import { callGoogle, type CallPolicy } from './google-call.ts';

/** The Gmail and Calendar clients of one connected account, with its pacing and retries. */
export interface GoogleSession {
  address: string;
  gmail: gmail_v1.Gmail;
  calendar: calendar_v3.Calendar;
  /** Makes one request that costs `units` of the account's quota. */
  call<T>(units: number, request: () => Promise<{ data: T }>): Promise<T>;
}

export function openGoogleSession(options: {
  settings: GoogleClientSettings;
  tokens: GoogleTokens;
  address: string;
  policy: CallPolicy;
  /** Called with the new tokens after each refresh, to store them. */
  onTokens?: (tokens: GoogleTokens) => void;
}): GoogleSession {
  const auth = createOAuthClient(options.settings);
  auth.setCredentials({
    refresh_token: options.tokens.refresh_token,
    access_token: options.tokens.access_token ?? null,
    expiry_date: options.tokens.expiry_date ?? null,
  });
  auth.on('tokens', (fresh) => {
    options.onTokens?.({
      refresh_token: fresh.refresh_token ?? options.tokens.refresh_token,
      access_token: fresh.access_token ?? null,
      expiry_date: fresh.expiry_date ?? null,
      scope: fresh.scope ?? options.tokens.scope ?? null,
    });
  });
  const { rootUrl } = googleEndpoints(options.settings.apiUrl);
  // Our own policy retries (see callGoogle); the client's would ignore Retry-After.
  const common = { auth, retry: false, ...(rootUrl ? { rootUrl } : {}) };
  const policy: CallPolicy = {
    ...options.policy,
    forgetAccessToken: () => auth.setCredentials({ ...auth.credentials, access_token: null, expiry_date: null }),
  };
  const target = { provider: 'gmail' as const, address: options.address };
  return {
    address: options.address,
    gmail: gmail({ version: 'v1', ...common }),
    calendar: calendar({ version: 'v3', ...common }),
    call: (units, request) => callGoogle(units, policy, target, request),
  };
}
