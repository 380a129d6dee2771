/**
 * Google's OAuth endpoints (E.1): an auto-consenting authorization page, the token
 * endpoint (authorization_code and refresh_token grants, PKCE), revoke and tokeninfo,
 * and the bearer-token check every API call goes through.
 */
import { createHash } from 'node:crypto';
import { invalidGrant, OAuthError } from './errors.ts';
import { errorResponse, jsonResponse, type ApiRequest, type ApiResponse } from './http-io.ts';
import type { HexIds } from './ids.ts';

/** Access tokens live an hour; expires_in says 3599 as Google's does. */
const ACCESS_TOKEN_MS = 3600_000;
const CODE_MS = 10 * 60_000;

export interface Identity {
  email: string;
  clientId: string;
  scopes: ReadonlySet<string>;
}

interface RefreshGrant {
  email: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface AccessGrant extends Identity {
  expiresAtMs: number;
  revoked: boolean;
}

interface AuthCode {
  email: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  withRefreshToken: boolean;
  challenge: { value: string; method: 'S256' | 'plain' } | null;
  expiresAtMs: number;
}

export interface OAuthDeps {
  now: () => number;
  ids: HexIds;
  /** The user the consent page logs in as, or null when there is none. */
  consentUser: () => string | null;
}

export class OAuthServer {
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly codes = new Map<string, AuthCode>();
  /** `${email} ${clientId}` pairs that consented once: later consents bring no refresh token unless prompt=consent. */
  private readonly consented = new Set<string>();
  private grantedOverride: string[] | null = null;

  constructor(
    readonly clients: Readonly<Record<string, string>>,
    private readonly deps: OAuthDeps,
  ) {}

  get defaultClientId(): string {
    return Object.keys(this.clients)[0] ?? 'rapport-test';
  }

  issueRefreshToken(email: string, clientId: string, scopes: readonly string[]): string {
    if (!(clientId in this.clients)) throw new Error(`unknown OAuth client ${clientId}`);
    const token = `1//0${this.deps.ids.nextId()}`;
    this.refreshTokens.set(token, { email, clientId, scopes: [...scopes], revoked: false });
    this.consented.add(`${email} ${clientId}`);
    return token;
  }

  revokeUser(email: string): void {
    for (const grant of [...this.refreshTokens.values(), ...this.accessTokens.values()]) {
      if (grant.email === email) grant.revoked = true;
    }
  }

  setGrantedScopes(scopes: string[] | null): void {
    this.grantedOverride = scopes ? [...scopes] : null;
  }

  /** The identity behind an `Authorization: Bearer` header, or null (missing, unknown, expired, revoked). */
  identify(authorization: string | undefined): Identity | null {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const grant = token ? this.accessTokens.get(token) : undefined;
    if (!grant || grant.revoked || grant.expiresAtMs <= this.deps.now()) return null;
    return grant;
  }

  /** GET /o/oauth2/v2/auth: consents at once and redirects back with a code. */
  authorize(req: ApiRequest): ApiResponse {
    const q = req.query;
    const clientId = q.get('client_id') ?? '';
    if (!(clientId in this.clients)) return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
    const redirect = parseRedirect(q.get('redirect_uri'));
    if (!redirect) return errorPage(400, 'redirect_uri_mismatch', 'redirect_uri must be an absolute http(s) URL.');
    const state = q.get('state');
    const fail = (error: string) => redirectTo(redirect, { error, ...(state !== null ? { state } : {}) });
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    const asked = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (asked.length === 0) return errorPage(400, 'invalid_request', 'Missing required parameter: scope');
    const method = q.get('code_challenge_method') ?? 'plain';
    const challenge = q.get('code_challenge');
    if (challenge && method !== 'S256' && method !== 'plain') return errorPage(400, 'invalid_request', 'Invalid code_challenge_method');
    const email = this.deps.consentUser();
    const scopes = this.grantedOverride ? asked.filter((s) => this.grantedOverride?.includes(s)) : asked;
    if (!email || scopes.length === 0) return fail('access_denied');
    const pair = `${email} ${clientId}`;
    const offline = q.get('access_type') === 'offline';
    const withRefreshToken = offline && (!this.consented.has(pair) || /\bconsent\b/.test(q.get('prompt') ?? ''));
    if (offline) this.consented.add(pair);
    const code = `4/0A${this.deps.ids.nextId()}`;
    this.codes.set(code, {
      email, clientId, scopes, withRefreshToken,
      redirectUri: q.get('redirect_uri') ?? '',
      challenge: challenge ? { value: challenge, method: method as 'S256' | 'plain' } : null,
      expiresAtMs: this.deps.now() + CODE_MS,
    });
    return redirectTo(redirect, { code, scope: scopes.join(' '), ...(state !== null ? { state } : {}) });
  }

  /** POST /token. */
  token(req: ApiRequest): ApiResponse {
    try {
      const form = formOf(req);
      const clientId = this.authenticateClient(req, form);
      const grantType = form.get('grant_type');
      if (grantType === 'authorization_code') return jsonResponse(this.exchangeCode(form, clientId));
      if (grantType === 'refresh_token') return jsonResponse(this.refresh(form, clientId));
      throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    } catch (err) {
      if (err instanceof OAuthError) return errorResponse(err);
      throw err;
    }
  }

  /** POST /revoke?token=… (refresh or access token). */
  revokeEndpoint(req: ApiRequest): ApiResponse {
    const token = req.query.get('token') ?? formOf(req).get('token') ?? '';
    const grant = this.refreshTokens.get(token) ?? this.accessTokens.get(token);
    if (!grant || grant.revoked) return errorResponse(new OAuthError(400, 'invalid_token', 'Token expired or revoked'));
    grant.revoked = true;
    if (this.refreshTokens.has(token)) {
      for (const access of this.accessTokens.values()) {
        if (access.email === grant.email && access.clientId === grant.clientId) access.revoked = true;
      }
    }
    return jsonResponse({});
  }

  /** GET /tokeninfo?access_token=…, as google-auth-library's getTokenInfo reads it. */
  tokenInfo(req: ApiRequest): ApiResponse {
    const token = req.query.get('access_token') ?? formOf(req).get('access_token') ?? '';
    const grant = this.identify(`Bearer ${token}`);
    if (!grant) return errorResponse(new OAuthError(400, 'invalid_token', 'Invalid Value'));
    const expiresIn = Math.floor(((this.accessTokens.get(token)?.expiresAtMs ?? 0) - this.deps.now()) / 1000);
    return jsonResponse({
      azp: grant.clientId, aud: grant.clientId, scope: [...grant.scopes].join(' '), email: grant.email,
      email_verified: 'true', expires_in: String(expiresIn), exp: String(Math.floor(this.deps.now() / 1000) + expiresIn),
      access_type: 'offline',
    });
  }

  private authenticateClient(req: ApiRequest, form: URLSearchParams): string {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (!id || !(id in this.clients)) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (secret !== this.clients[id]) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
    return id;
  }

  private exchangeCode(form: URLSearchParams, clientId: string): Record<string, unknown> {
    const codeText = form.get('code');
    if (!codeText) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
    const code = this.codes.get(codeText);
    if (!code) throw invalidGrant('Malformed auth code.');
    // Single use: a second exchange fails even when the first one did.
    this.codes.delete(codeText);
    if (code.expiresAtMs <= this.deps.now() || code.clientId !== clientId) throw invalidGrant('Bad Request');
    if (form.get('redirect_uri') !== code.redirectUri) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (code.challenge) {
      const verifier = form.get('code_verifier');
      if (!verifier) throw invalidGrant('Missing code verifier.');
      const computed = code.challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== code.challenge.value) throw invalidGrant('Invalid code verifier.');
    }
    const body = this.issueAccessToken(code.email, clientId, code.scopes);
    if (code.withRefreshToken) body['refresh_token'] = this.issueRefreshToken(code.email, clientId, code.scopes);
    return body;
  }

  private refresh(form: URLSearchParams, clientId: string): Record<string, unknown> {
    const token = form.get('refresh_token');
    if (!token) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = this.refreshTokens.get(token);
    if (!grant || grant.revoked) throw invalidGrant();
    if (grant.clientId !== clientId) throw new OAuthError(401, 'unauthorized_client', 'Unauthorized');
    const narrowed = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (narrowed.some((s) => !grant.scopes.includes(s))) throw new OAuthError(400, 'invalid_scope', 'Some requested scopes were not granted.');
    return this.issueAccessToken(grant.email, clientId, narrowed.length > 0 ? narrowed : grant.scopes);
  }

  private issueAccessToken(email: string, clientId: string, scopes: string[]): Record<string, unknown> {
    const token = `ya29.a0${this.deps.ids.nextId()}`;
    const expiresAtMs = this.deps.now() + ACCESS_TOKEN_MS;
    this.accessTokens.set(token, { email, clientId, scopes: new Set(scopes), expiresAtMs, revoked: false });
    return { access_token: token, expires_in: 3599, scope: scopes.join(' '), token_type: 'Bearer' };
  }
}

function formOf(req: ApiRequest): URLSearchParams {
  const text = req.body.toString('utf8');
  if (/json/i.test(req.headers['content-type'] ?? '')) {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      throw new OAuthError(400, 'invalid_request', 'Invalid JSON body');
    }
  }
  return new URLSearchParams(text);
}

function parseRedirect(text: string | null): URL | null {
  if (!text) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function redirectTo(base: URL, params: Record<string, string>): ApiResponse {
  const url = new URL(base.href);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { status: 302, headers: { location: url.href }, body: Buffer.alloc(0) };
}

/** Google shows an error page (no redirect) when it cannot trust the client or redirect URI. */
function errorPage(status: number, error: string, description: string): ApiResponse {
  const html = `<!doctype html><title>Error ${status}: ${error}</title><h1>Error ${status}: ${error}</h1><p>${description}</p>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(html) };
}
