import {
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  ServerError,
  type AccountInfo,
  type Configuration,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { ProviderBusyError, ReauthRequiredError } from '../../core/errors.ts';

/**
 * The least access that lets rapport read mail and calendar and create and send drafts:
 * `Mail.ReadWrite` (read messages and their MIME, create, update and delete drafts,
 * createReply; `Mail.Read` cannot write drafts), `Mail.Send` (send a draft),
 * `Calendars.Read` (calendarView delta), `User.Read` (whose mailbox it is) and
 * `offline_access` (a refresh token, so syncs run without the user). MSAL adds `openid`
 * and `profile` by itself. Change-notification subscriptions need only read access to
 * their resource, which these give.
 */
export const OUTLOOK_SCOPES = ['Mail.ReadWrite', 'Mail.Send', 'Calendars.Read', 'User.Read', 'offline_access'] as const;

/** The scopes asked for tokens (`offline_access` is implied once consented). */
const TOKEN_SCOPES = OUTLOOK_SCOPES.filter((s) => s !== 'offline_access');

export interface OutlookClientSettings {
  clientId: string;
  clientSecret: string;
  /** `https://login.microsoftonline.com/common/`, or an emulator's `http://…/common`. */
  authority: string;
}

/** What rapport keeps for an Outlook account (sealed at rest): MSAL's token cache and whose it is. */
export interface OutlookTokens {
  msalCache: string;
  homeAccountId: string;
}

/**
 * MSAL refuses `http://` authorities. For an emulator on plain HTTP it is configured with
 * the same authority under `https://`, its own metadata (so it fetches no discovery
 * documents), and a network module that sends those requests to the emulator over HTTP.
 */
function authorityConfig(authority: string): { auth: Omit<Configuration['auth'], 'clientId'>; system?: Configuration['system'] } {
  const url = new URL(authority.endsWith('/') ? authority : `${authority}/`);
  if (url.protocol === 'https:') return { auth: { authority: url.toString() } };
  const emulator = url.origin;
  url.protocol = 'https:';
  const secure = url.toString();
  const tenant = url.pathname.replace(/^\/|\/$/g, '') || 'common';
  const base = `${url.origin}/${tenant}`;
  const metadata = {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    scopes_supported: ['openid', 'profile', 'offline_access'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: null,
    cloud_instance_name: url.host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
  return {
    auth: {
      authority: secure,
      knownAuthorities: [url.host],
      authorityMetadata: JSON.stringify(metadata),
    },
    system: { networkClient: rewritingNetworkClient(url.origin, emulator) },
  };
}

/** Sends MSAL's requests for `from` (https) to `to` (the emulator, http). */
function rewritingNetworkClient(from: string, to: string): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const target = url.startsWith(from) ? to + url.slice(from.length) : url;
    const response = await fetch(target, { method, headers: options?.headers, body: method === 'POST' ? options?.body : undefined });
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    return { status: response.status, headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

/**
 * A cache plugin over one account's sealed cache: MSAL reads it before each token request
 * and hands back changes (a rotated refresh token, a new access token) to be sealed and
 * stored.
 */
export function accountCachePlugin(initial: string | null, onChange?: (serialized: string) => void): ICachePlugin & { current(): string | null } {
  let serialized = initial;
  return {
    current: () => serialized,
    async beforeCacheAccess(context) {
      if (serialized) context.tokenCache.deserialize(serialized);
    },
    async afterCacheAccess(context) {
      if (!context.cacheHasChanged) return;
      serialized = context.tokenCache.serialize();
      onChange?.(serialized);
    },
  };
}

export function createMsalClient(settings: OutlookClientSettings, cachePlugin?: ICachePlugin): ConfidentialClientApplication {
  const { auth, system } = authorityConfig(settings.authority);
  return new ConfidentialClientApplication({
    auth: { ...auth, clientId: settings.clientId, clientSecret: settings.clientSecret },
    ...(system ? { system } : {}),
    ...(cachePlugin ? { cache: { cachePlugin } } : {}),
  });
}

/** A consent request: the URL to open and the PKCE verifier to keep until the callback. */
export interface OutlookConsentRequest {
  url: string;
  codeVerifier: string;
}

export async function outlookConsentRequest(
  client: ConfidentialClientApplication,
  redirectUri: string,
  state: string,
  loginHint?: string,
): Promise<OutlookConsentRequest> {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const url = await client.getAuthCodeUrl({
    scopes: [...OUTLOOK_SCOPES],
    redirectUri,
    state,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    prompt: 'select_account',
    ...(loginHint ? { loginHint } : {}),
  });
  return { url, codeVerifier: verifier };
}

/**
 * Exchanges the callback's code; returns the account's sealed-to-be cache, its address
 * and which requested scopes were not granted.
 */
export async function exchangeOutlookCode(
  settings: OutlookClientSettings,
  redirectUri: string,
  code: string,
  codeVerifier: string,
): Promise<{ tokens: OutlookTokens; address: string; grantedScopes: string[]; missingScopes: string[] }> {
  const plugin = accountCachePlugin(null);
  const client = createMsalClient(settings, plugin);
  const result = await client.acquireTokenByCode({ code, codeVerifier, redirectUri, scopes: [...TOKEN_SCOPES] });
  if (!result.account) throw new Error('Microsoft gave no account with the tokens; connect again.');
  const cache = plugin.current() ?? client.getTokenCache().serialize();
  const granted = result.scopes.map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
  const grantedLower = new Set(granted.map((s) => s.toLowerCase()));
  return {
    tokens: { msalCache: cache, homeAccountId: result.account.homeAccountId },
    address: result.account.username.toLowerCase(),
    grantedScopes: granted,
    missingScopes: TOKEN_SCOPES.filter((s) => !grantedLower.has(s.toLowerCase())),
  };
}

/** Gives access tokens for one account from its cache, refreshing through MSAL; reports changes to the cache. */
export interface OutlookTokenSource {
  accessToken(forceRefresh?: boolean): Promise<string>;
}

/** How long before its expiry a kept access token is renewed: MSAL's own default margin. */
const TOKEN_RENEWAL_MARGIN_MS = 300_000;

export function outlookTokenSource(
  settings: OutlookClientSettings,
  tokens: OutlookTokens,
  address: string,
  onTokens?: (tokens: OutlookTokens) => void,
): OutlookTokenSource {
  const plugin = accountCachePlugin(tokens.msalCache, (msalCache) => onTokens?.({ msalCache, homeAccountId: tokens.homeAccountId }));
  const client = createMsalClient(settings, plugin);
  let account: AccountInfo | null = null;
  // MSAL reads the whole serialized cache on every call; a sync makes hundreds of calls
  // with the same token, so it is kept here until MSAL itself would renew it.
  let current: { token: string; expiresAt: number } | null = null;
  return {
    async accessToken(forceRefresh = false) {
      if (!forceRefresh && current && current.expiresAt - Date.now() > TOKEN_RENEWAL_MARGIN_MS) return current.token;
      try {
        account ??= await client.getTokenCache().getAccountByHomeId(tokens.homeAccountId);
        if (!account) throw new ReauthRequiredError('outlook', address, 'no account in the stored token cache');
        const result = await client.acquireTokenSilent({ account, scopes: [...TOKEN_SCOPES], forceRefresh });
        current = result.expiresOn ? { token: result.accessToken, expiresAt: result.expiresOn.getTime() } : null;
        return result.accessToken;
      } catch (err) {
        throw toAuthError(err, address);
      }
    },
  };
}

/** Maps an MSAL failure onto rapport's errors: reconnect, or try again later. */
export function toAuthError(err: unknown, address: string): Error {
  if (err instanceof ReauthRequiredError) return err;
  if (err instanceof InteractionRequiredAuthError) {
    return new ReauthRequiredError('outlook', address, err.errorCode, { cause: err });
  }
  if (err instanceof ServerError) {
    if (err.errorCode === 'invalid_grant' || err.errorCode === 'invalid_client' || err.errorCode === 'unauthorized_client') {
      return new ReauthRequiredError('outlook', address, err.errorCode, { cause: err });
    }
    const status = err.status ?? null;
    if (status === null || status === 429 || status >= 500) {
      return new ProviderBusyError('outlook', status, null, `Microsoft's sign-in service failed (${err.errorCode}); try again later.`, { cause: err });
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}
