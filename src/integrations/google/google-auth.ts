// googleapis' Gmail module alone: the package's index loads every Google API it knows
// (about 90 MB more in each process).
import { auth as googleAuth } from 'googleapis/build/src/apis/gmail/index.js';

/** The OAuth client googleapis itself uses (its own copy of google-auth-library). */
export type OAuth2Client = InstanceType<typeof googleAuth.OAuth2>;
type AuthUrlOptions = Parameters<OAuth2Client['generateAuthUrl']>[0];

/**
 * The least access that lets rapport read mail and calendar and create and send drafts:
 * `gmail.readonly` (read messages, history, watch), `gmail.compose` (create, update and
 * send drafts, send replies), `calendar.events.readonly` (read events, watch them).
 * `gmail.modify` would also do, but it can change labels and trash mail, which rapport
 * never needs. `userinfo.email`-style scopes are not needed: the Gmail profile gives the
 * address.
 */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.compose',
  'https://www.googleapis.com/auth/calendar.events.readonly',
] as const;

export interface GoogleClientSettings {
  clientId: string;
  clientSecret: string;
  /** Empty for Google itself; otherwise the root of an emulator (with a trailing slash or not). */
  apiUrl: string;
}

/** The tokens rapport keeps for an account (sealed at rest). */
export interface GoogleTokens {
  refresh_token: string;
  access_token?: string | null;
  expiry_date?: number | null;
  scope?: string | null;
}

/** Where the API, the token endpoint and the consent page are. */
export function googleEndpoints(apiUrl: string): { rootUrl: string | undefined; tokenUrl: string; authUrl: string } {
  if (!apiUrl) {
    return {
      rootUrl: undefined,
      tokenUrl: 'https://oauth2.googleapis.com/token',
      authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    };
  }
  const root = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return { rootUrl: root, tokenUrl: `${root}token`, authUrl: `${root}o/oauth2/v2/auth` };
}

export function createOAuthClient(settings: GoogleClientSettings, redirectUri?: string): OAuth2Client {
  const endpoints = googleEndpoints(settings.apiUrl);
  return new googleAuth.OAuth2({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUri,
    endpoints: { oauth2TokenUrl: endpoints.tokenUrl, oauth2AuthBaseUrl: endpoints.authUrl },
  });
}

/** A consent request: the URL to open and the PKCE verifier to keep until the callback. */
export interface ConsentRequest {
  url: string;
  codeVerifier: string;
}

export async function consentRequest(client: OAuth2Client, state: string, loginHint?: string): Promise<ConsentRequest> {
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: 'offline',
    // Without it Google gives a refresh token only on the very first consent.
    prompt: 'consent',
    include_granted_scopes: true,
    scope: [...GOOGLE_SCOPES],
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as NonNullable<AuthUrlOptions>['code_challenge_method'],
    ...(loginHint ? { login_hint: loginHint } : {}),
  });
  return { url, codeVerifier: codeVerifier! };
}

/** Exchanges the callback's code for tokens; says which requested scopes were not granted. */
export async function exchangeCode(
  client: OAuth2Client,
  code: string,
  codeVerifier: string,
): Promise<{ tokens: GoogleTokens; missingScopes: string[] }> {
  const { tokens } = await client.getToken({ code, codeVerifier });
  if (!tokens.refresh_token) {
    throw new Error('Google gave no refresh token; remove rapport from your Google account\'s third-party access and connect again.');
  }
  const granted = new Set((tokens.scope ?? '').split(/\s+/).filter(Boolean));
  return {
    tokens: {
      refresh_token: tokens.refresh_token,
      access_token: tokens.access_token ?? null,
      expiry_date: tokens.expiry_date ?? null,
      scope: tokens.scope ?? null,
    },
    missingScopes: tokens.scope ? GOOGLE_SCOPES.filter((s) => !granted.has(s)) : [],
  };
}
