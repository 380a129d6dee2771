/**
 * The request pipeline. Identity-platform paths (`/{tenant}/oauth2/v2.0/…`, metadata) are
 * answered first; `/v1.0/$batch` runs its items through the API path; an API call goes:
 * fault rules, bearer token, the mailbox's throttle, the route; every call is logged.
 */
import { sleep, type EmulatorClock } from '../google/clock.ts';
import type { ApiError as GoogleApiError } from '../google/errors.ts';
import type { FaultInjector } from '../google/faults.ts';
import { handleBatch } from './batch.ts';
import { GraphApiError, invalidToken, resourceNotFound, serverError, throttled } from './errors.ts';
import { DROP, json, type ApiRequest, type ApiResponse, type Outcome } from './http.ts';
import { objectIdOf, type IdentityPlatform } from './identity.ts';
import { findRoute, normalisePath, type GraphRoute } from './router.ts';
import type { MailboxThrottle } from './throttle.ts';
import type { GraphRequestLogEntry } from './types.ts';

export interface PipelineDeps {
  routes: readonly GraphRoute[];
  identity: IdentityPlatform;
  faults: FaultInjector;
  throttle: MailboxThrottle;
  clock: EmulatorClock;
  log: GraphRequestLogEntry[];
  baseUrl: () => string;
}

export class Pipeline {
  private requestCounter = 0;

  constructor(private readonly deps: PipelineDeps) {}

  async handle(req: ApiRequest): Promise<Outcome> {
    const atMs = this.deps.clock.now();
    if (!req.path.startsWith('/v1.0/')) {
      const fault = this.deps.faults.pick(req.method, req.path, false, atMs);
      let outcome: Outcome;
      if (fault?.kind === 'drop') outcome = DROP;
      else if (fault?.kind === 'error') outcome = this.errorResponse(graphErrorOf(fault.error), req);
      else {
        if (fault?.kind === 'latency') await sleep(fault.ms);
        outcome = this.deps.identity.endpoint(req, this.deps.baseUrl()) ?? this.errorResponse(new GraphApiError(404, 'NotFound', `No route for ${req.path}.`), req);
      }
      this.logEntry(req, outcome, null, atMs, 0);
      return outcome;
    }
    if (req.method === 'POST' && req.path === '/v1.0/$batch') {
      let outcome: Outcome;
      try {
        outcome = await handleBatch(req, (inner) => this.handleApi(inner));
      } catch (err) {
        outcome = this.errorResponse(asGraphError(err), req);
      }
      this.logEntry(req, outcome, this.deps.identity.identify(req.headers['authorization']), atMs, 0);
      return outcome;
    }
    return this.handleApi(req);
  }

  async handleApi(req: ApiRequest): Promise<Outcome> {
    const { clock, faults, identity, throttle } = this.deps;
    const atMs = clock.now();
    const user = identity.identify(req.headers['authorization']);
    let concurrent = 0;
    let outcome: Outcome;
    let admitted = false;
    try {
      const fault = faults.pick(req.method, req.path, true, atMs);
      if (fault?.kind === 'drop') outcome = DROP;
      else if (fault?.kind === 'error') throw graphErrorOf(fault.error);
      else {
        if (!user) throw invalidToken(req.headers['authorization'] ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.');
        const admission = throttle.admit(user, atMs);
        concurrent = admission.concurrent;
        if (!admission.ok) throw admission.error;
        admitted = true;
        if (fault?.kind === 'latency') await sleep(fault.ms);
        outcome = await this.route(req, user);
      }
    } catch (err) {
      outcome = this.errorResponse(asGraphError(err), req);
    } finally {
      if (admitted && user) throttle.release(user);
    }
    this.logEntry(req, outcome, user, atMs, concurrent);
    return outcome;
  }

  private async route(req: ApiRequest, user: string): Promise<ApiResponse> {
    const rawPath = req.path.slice('/v1.0'.length);
    const path = normalisePath(rawPath, user, objectIdOf(user));
    const found = findRoute(this.deps.routes, req.method, path);
    if (found === 'method') throw new GraphApiError(405, 'Request_BadRequest', `The method ${req.method} is not allowed on ${rawPath}.`);
    if (!found) throw resourceNotFound(rawPath);
    return found.route.handle({ req, params: found.params, user, rawPath });
  }

  private errorResponse(error: GraphApiError, req: ApiRequest): ApiResponse {
    this.requestCounter += 1;
    const requestId = `emu-req-${this.requestCounter.toString(16).padStart(8, '0')}`;
    return json(error.envelope(this.deps.clock.now(), requestId, req.headers['client-request-id']), error.status, { ...error.headers, 'request-id': requestId });
  }

  private logEntry(req: ApiRequest, outcome: Outcome, user: string | null, atMs: number, concurrent: number): void {
    this.deps.log.push({ method: req.method, path: req.path, status: outcome === DROP ? 0 : outcome.status, user, at: atMs, concurrent });
  }
}

/** A fault from the shared injector (Google-shaped) in Graph's shape, by status. */
function graphErrorOf(error: GoogleApiError): GraphApiError {
  if (error.status === 429) return throttled(Number(error.headers['retry-after'] ?? '1'), null);
  if (error.status === 403) return new GraphApiError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  return serverError(error.status === 503 ? 503 : 500);
}

function asGraphError(err: unknown): GraphApiError {
  if (err instanceof GraphApiError) return err;
  console.error('graph emulator: internal error', err);
  return serverError(500);
}
