/**
 * The request pipeline and the HTTP server around it. An API call goes: fault rules,
 * bearer token, user and scope checks, quota, the route, then `fields`; every call lands
 * in the request log. OAuth endpoints and /batch/gmail/v1 are dispatched first.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep, type EmulatorClock } from './clock.ts';
import { ApiError, backendError, forbidden, insufficientPermissions, invalidCredentials, notFound, userRateLimitExceeded } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import { selectFields } from './fields.ts';
import { handleBatch } from './batch.ts';
import { DROP, errorResponse, jsonResponse, readRequest, writeResponse, type ApiRequest, type ApiResponse, type Outcome } from './http-io.ts';
import type { OAuthServer } from './oauth.ts';
import type { QuotaMeter } from './quota.ts';
import { findRoute, hasPath, type Route } from './routes.ts';
import type { RequestLogEntry } from './types.ts';

export interface PipelineDeps {
  routes: readonly Route[];
  oauth: OAuthServer;
  faults: FaultInjector;
  quota: QuotaMeter;
  clock: EmulatorClock;
  log: RequestLogEntry[];
}

export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async handle(req: ApiRequest): Promise<Outcome> {
    const oauth = this.oauthEndpoint(req);
    if (oauth) return this.handleOAuth(req, oauth);
    if (req.method === 'POST' && req.path === '/batch/gmail/v1') {
      const outcome = await handleBatch(req, (inner) => this.handleApi(inner));
      this.logEntry(req, outcome, 0, null, this.deps.clock.now());
      return outcome;
    }
    return this.handleApi(req);
  }

  async handleApi(req: ApiRequest): Promise<Outcome> {
    const { clock, faults, oauth } = this.deps;
    const atMs = clock.now();
    const identity = oauth.identify(req.headers['authorization']);
    let units = 0;
    let outcome: Outcome;
    try {
      const fault = faults.pick(req.method, req.path, true, atMs);
      if (fault?.kind === 'drop') outcome = DROP;
      else if (fault?.kind === 'error') throw fault.error;
      else {
        if (fault?.kind === 'latency') await sleep(fault.ms);
        const found = findRoute(this.deps.routes, req.method, req.path);
        if (!found) throw notFound(hasPath(this.deps.routes, req.path) ? 'Method not allowed' : 'Not Found');
        if (!identity) throw invalidCredentials();
        const userId = found.params['userId']?.toLowerCase();
        if (userId !== undefined && userId !== 'me' && userId !== identity.email) throw forbidden(`Delegation denied for ${found.params['userId']}`);
        if (!found.route.scopes.some((s) => identity.scopes.has(s))) throw insufficientPermissions();
        const result = await this.runRoute(found.route, { req, params: found.params, user: identity.email, scopes: identity.scopes }, atMs);
        units = result.units;
        outcome = withFields(result.response, req.query.get('fields'));
      }
    } catch (err) {
      outcome = errorResponse(asApiError(err));
    }
    this.logEntry(req, outcome, units, identity?.email ?? null, atMs);
    return outcome;
  }

  /** Runs a route under quota: reserved before, kept only when the call succeeds. */
  private async runRoute(route: Route, ctx: Parameters<Route['handle']>[0], atMs: number): Promise<{ response: ApiResponse; units: number }> {
    if (route.api !== 'gmail') {
      const response = await route.handle(ctx);
      return { response, units: response.status < 400 ? route.units : 0 };
    }
    const admission = this.deps.quota.admit(ctx.user, route.units, atMs);
    if (!admission.ok) throw userRateLimitExceeded(admission.retryAtMs);
    let response: ApiResponse;
    try {
      response = await route.handle(ctx);
    } catch (err) {
      this.deps.quota.release(admission);
      throw err;
    }
    if (response.status >= 400) {
      this.deps.quota.release(admission);
      return { response, units: 0 };
    }
    this.deps.quota.commit(admission);
    return { response, units: route.units };
  }

  private oauthEndpoint(req: ApiRequest): ((req: ApiRequest) => ApiResponse) | null {
    const { oauth } = this.deps;
    if (req.path === '/token' && req.method === 'POST') return (r) => oauth.token(r);
    if (req.path === '/o/oauth2/v2/auth' || req.path === '/o/oauth2/auth') return (r) => oauth.authorize(r);
    if (req.path === '/revoke' || req.path === '/o/oauth2/revoke') return (r) => oauth.revokeEndpoint(r);
    if (req.path === '/tokeninfo') return (r) => oauth.tokenInfo(r);
    return null;
  }

  private async handleOAuth(req: ApiRequest, endpoint: (req: ApiRequest) => ApiResponse): Promise<Outcome> {
    const atMs = this.deps.clock.now();
    const fault = this.deps.faults.pick(req.method, req.path, false, atMs);
    let outcome: Outcome;
    if (fault?.kind === 'drop') outcome = DROP;
    else if (fault?.kind === 'error') outcome = errorResponse(fault.error);
    else {
      if (fault?.kind === 'latency') await sleep(fault.ms);
      outcome = endpoint(req);
    }
    this.logEntry(req, outcome, 0, null, atMs);
    return outcome;
  }

  private logEntry(req: ApiRequest, outcome: Outcome, units: number, user: string | null, atMs: number): void {
    this.deps.log.push({ method: req.method, path: req.path, status: outcome === DROP ? 0 : outcome.status, units, user, at: atMs });
  }
}

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  console.error('google emulator: internal error', err);
  return backendError(500);
}

function withFields(response: ApiResponse, fields: string | null): ApiResponse {
  if (!fields || response.status >= 300 || !/json/.test(response.headers['content-type'] ?? '')) return response;
  return jsonResponse(selectFields(JSON.parse(response.body.toString('utf8')), fields), response.status, response.headers);
}

/** Starts node:http on the pipeline; resolves with the server and its base URL (trailing slash). */
export async function listen(pipeline: Pipeline, port: number, host: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    readRequest(req)
      .then((request) => pipeline.handle(request))
      .then((outcome) => {
        if (outcome === DROP) req.socket.destroy();
        else writeResponse(res, outcome);
      })
      .catch((err: unknown) => {
        console.error('google emulator: request failed', err);
        if (!res.headersSent) writeResponse(res, errorResponse(backendError(500)));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${hostPart}:${address.port}/` };
}
