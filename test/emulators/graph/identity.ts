/**
 * The Microsoft identity platform as MSAL sees it (E.3): an auto-consenting authorize
 * endpoint, the token endpoint (authorization_code with PKCE, refresh_token with rotating
 * refresh tokens, client secret in the body), OpenID metadata and instance discovery,
 * and the bearer-token check every Graph call goes through.
 */
import { createHash } from 'node:crypto';
import { hashString } from '../google/ids.ts';
import { expiredCode, inactiveGrant, interactionRequired, IdentityError } from './errors.ts';
import { json, type ApiRequest, type ApiResponse } from './http.ts';

const ACCESS_TOKEN_MS = 3600_000;
const CODE_MS = 10 * 60_000;
/** The emulated tenant every user belongs to. */
export const TENANT_ID = '5e3c0f6a-8d2b-4c1e-9a7f-0e6d2c4b8a10';

interface Grant {
  email: string;
  clientId: string;
  scope: string;
  /** The user's revocation generation at issue time. */
  generation: number;
}

interface AuthCode extends Grant {
  redirectUri: string;
  challenge: string | null;
  nonce: string | null;
  expiresAtMs: number;
}

export interface IdentityDeps {
  now: () => number;
  /** The user the authorize page signs in, or null when there is none. */
  consentUser: () => string | null;
  isUser: (email: string) => boolean;
}

/** A user's directory object id: a stable UUID from the address. */
export function objectIdOf(email: string): string {
  const h = (seed: number) => hashString(`${seed}:${email}`).toString(16).padStart(8, '0');
  const hex = h(1) + h(2) + h(3) + h(4);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class IdentityPlatform {
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, Grant & { expiresAtMs: number }>();
  private readonly generations = new Map<string, number>();
  private tokenError: 'invalid_grant' | 'interaction_required' | null = null;
  private counter = 0;

  constructor(
    private readonly clients: Record<string, string>,
    private readonly deps: IdentityDeps,
  ) {}

  get defaultClientId(): string {
    return Object.keys(this.clients)[0] ?? 'rapport-test';
  }

  setTokenError(kind: 'invalid_grant' | 'interaction_required' | null): void {
    this.tokenError = kind;
  }

  revokeUser(email: string): void {
    this.generations.set(email, this.generation(email) + 1);
  }

  issueRefreshToken(email: string, clientId: string, scope = 'Mail.ReadWrite Mail.Send Calendars.Read User.Read offline_access openid profile'): string {
    const token = `0.AUEmu-rt.${this.next()}.${Buffer.from(email).toString('base64url')}`;
    this.refreshTokens.set(token, { email, clientId, scope, generation: this.generation(email) });
    return token;
  }

  issueAccessToken(email: string, clientId: string, scope = 'Mail.ReadWrite Mail.Send Calendars.Read User.Read'): string {
    const token = `EwEmu-at.${this.next()}.${Buffer.from(email).toString('base64url')}`;
    this.accessTokens.set(token, { email, clientId, scope, generation: this.generation(email), expiresAtMs: this.deps.now() + ACCESS_TOKEN_MS });
    return token;
  }

  /** The mailbox a bearer token belongs to, or null when it is missing, unknown, expired or revoked. */
  identify(authorization: string | undefined): string | null {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const grant = m?.[1] ? this.accessTokens.get(m[1]) : undefined;
    if (!grant || grant.expiresAtMs <= this.deps.now() || grant.generation !== this.generation(grant.email)) return null;
    return grant.email;
  }

  /** Routes `/{tenant}/…` identity paths; null when the path is not one. */
  endpoint(req: ApiRequest, emulatorUrl: string): ApiResponse | null {
    // MSAL only talks https and checks the issuer against its authority's scheme and host,
    // so metadata names https on the host it was asked on (reached through a rewriting networkClient).
    const baseUrl = `https://${req.headers['host'] ?? new URL(emulatorUrl).host}/`;
    if (req.path === '/common/discovery/instance') return this.instanceDiscovery(req, baseUrl);
    const m = /^\/([^/]+)\/(oauth2\/v2\.0\/(authorize|token)|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/.exec(req.path);
    if (!m) return null;
    const tenant = m[1] ?? 'common';
    if (m[3] === 'authorize') return this.authorize(req);
    if (m[3] === 'token') return req.method === 'POST' ? this.token(req) : json({ error: 'invalid_request' }, 405);
    if (m[2]?.endsWith('keys')) return json({ keys: [] });
    return json(openIdConfiguration(baseUrl, tenant));
  }

  private instanceDiscovery(req: ApiRequest, baseUrl: string): ApiResponse {
    const host = new URL(baseUrl).host;
    return json({
      tenant_discovery_endpoint: `${baseUrl}${tenantOf(req.query.get('authorization_endpoint'))}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  private authorize(req: ApiRequest): ApiResponse {
    const q = req.query;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!(clientId in this.clients)) return json({ error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${clientId}' was not found.` }, 400);
    if (!/^https?:\/\//.test(redirectUri)) return json({ error: 'invalid_request', error_description: 'AADSTS50011: The redirect URI is missing or invalid.' }, 400);
    const email = this.deps.consentUser();
    const target = new URL(redirectUri);
    const state = q.get('state');
    if (!email) {
      target.searchParams.set('error', 'access_denied');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString() }, body: Buffer.alloc(0) };
    }
    const method = q.get('code_challenge_method') ?? 'plain';
    const challenge = q.get('code_challenge');
    const code = `0.AUEmu-code.${this.next()}`;
    this.codes.set(code, {
      email, clientId, redirectUri, scope: q.get('scope') ?? 'openid profile offline_access', generation: this.generation(email),
      challenge: challenge ? (method === 'S256' ? challenge : base64UrlSha256(challenge)) : null,
      nonce: q.get('nonce'), expiresAtMs: this.deps.now() + CODE_MS,
    });
    target.searchParams.set('code', code);
    target.searchParams.set('client_info', clientInfo(email));
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('session_state', `emu-${this.counter}`);
    return { status: 302, headers: { location: target.toString() }, body: Buffer.alloc(0) };
  }

  private token(req: ApiRequest): ApiResponse {
    const form = new URLSearchParams(req.body.toString('utf8'));
    try {
      const clientId = this.authenticateClient(req, form);
      const grantType = form.get('grant_type');
      if (grantType === 'authorization_code') return json(this.redeemCode(form, clientId));
      if (grantType === 'refresh_token') return json(this.redeemRefreshToken(form, clientId));
      throw new IdentityError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      const traceId = `emu-trace-${this.next()}`;
      return json(err.body(this.deps.now(), traceId), err.status);
    }
  }

  /** Client secret in the body (client_secret_post) or HTTP Basic. */
  private authenticateClient(req: ApiRequest, form: URLSearchParams): string {
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
    if (basic?.[1]) {
      const [id, pass] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(pass ?? '');
    }
    if (!clientId || !(clientId in this.clients)) {
      throw new IdentityError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    }
    if (this.clients[clientId] !== secret) throw new IdentityError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    return clientId;
  }

  private redeemCode(form: URLSearchParams, clientId: string): Record<string, unknown> {
    const code = this.codes.get(form.get('code') ?? '');
    if (!code || code.clientId !== clientId) throw new IdentityError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    this.codes.delete(form.get('code') ?? '');
    if (code.expiresAtMs <= this.deps.now()) throw expiredCode();
    if (code.redirectUri !== form.get('redirect_uri')) throw new IdentityError(400, 'invalid_grant', 50148, 'The redirect URI does not match the one used for the authorization code.');
    if (code.challenge !== null) {
      const verifier = form.get('code_verifier');
      if (!verifier || base64UrlSha256(verifier) !== code.challenge) throw new IdentityError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    return this.tokenResponse(code, code.nonce);
  }

  private redeemRefreshToken(form: URLSearchParams, clientId: string): Record<string, unknown> {
    const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!grant || grant.clientId !== clientId || grant.generation !== this.generation(grant.email)) throw inactiveGrant();
    if (this.tokenError === 'invalid_grant') throw inactiveGrant();
    if (this.tokenError === 'interaction_required') throw interactionRequired();
    const scope = form.get('scope') ?? grant.scope;
    return this.tokenResponse({ ...grant, scope: mergeScopes(grant.scope, scope) }, null);
  }

  /** Access + a new (rotated) refresh token + id_token + client_info. Older refresh tokens stay valid, as at Entra ID. */
  private tokenResponse(grant: Grant, nonce: string | null): Record<string, unknown> {
    const scopes = grant.scope.split(/\s+/).filter(Boolean);
    const apiScopes = scopes.filter((s) => !['openid', 'profile', 'offline_access', 'email'].includes(s.toLowerCase())).map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
    const response: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: [...apiScopes, ...scopes.filter((s) => ['openid', 'profile', 'offline_access', 'email'].includes(s.toLowerCase()))].join(' '),
      expires_in: ACCESS_TOKEN_MS / 1000 - 1,
      ext_expires_in: ACCESS_TOKEN_MS / 1000 - 1,
      access_token: this.issueAccessToken(grant.email, grant.clientId, apiScopes.join(' ')),
      refresh_token: this.issueRefreshToken(grant.email, grant.clientId, grant.scope),
      client_info: clientInfo(grant.email),
    };
    if (scopes.some((s) => s.toLowerCase() === 'openid')) response['id_token'] = idToken(grant.email, grant.clientId, nonce, this.deps.now());
    return response;
  }

  private generation(email: string): number {
    return this.generations.get(email) ?? 0;
  }

  private next(): string {
    this.counter += 1;
    return this.counter.toString(36).padStart(6, '0');
  }
}

function mergeScopes(granted: string, asked: string): string {
  const grantedSet = new Set(granted.split(/\s+/).map((s) => s.toLowerCase()));
  const kept = asked.split(/\s+/).filter((s) => s && (grantedSet.has(s.toLowerCase()) || grantedSet.has(s.replace(/^https:\/\/graph\.microsoft\.com\//i, '').toLowerCase())));
  return kept.length > 0 ? [...new Set([...kept, 'openid', 'profile', 'offline_access'])].join(' ') : granted;
}

function tenantOf(authorizationEndpoint: string | null): string {
  const m = /\/\/[^/]+\/([^/]+)\//.exec(authorizationEndpoint ?? '');
  return m?.[1] ?? 'common';
}

export function openIdConfiguration(baseUrl: string, tenant: string): Record<string, unknown> {
  const base = `${baseUrl}${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${baseUrl}${tenant === 'common' || tenant === 'organizations' ? '{tenantid}' : tenant}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: null,
    cloud_instance_name: new URL(baseUrl).host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function clientInfo(email: string): string {
  return Buffer.from(JSON.stringify({ uid: objectIdOf(email), utid: TENANT_ID })).toString('base64url');
}

/** An unsigned (alg none) but well-formed v2 id_token. */
function idToken(email: string, clientId: string, nonce: string | null, nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = {
    aud: clientId, iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`, iat: seconds, nbf: seconds, exp: seconds + 3600,
    name: email.split('@')[0], oid: objectIdOf(email), preferred_username: email, sub: objectIdOf(email).replace(/-/g, ''),
    tid: TENANT_ID, ver: '2.0', ...(nonce ? { nonce } : {}),
  };
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part(claims)}.`;
}

function base64UrlSha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
