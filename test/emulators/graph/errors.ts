/**
 * Errors in Microsoft's shapes: Graph's envelope
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` and the
 * identity platform's `{error, error_description, error_codes, timestamp, trace_id, correlation_id}`.
 * Route code throws these; the pipeline turns them into responses.
 */

/** A Graph API error; `headers` carries e.g. Retry-After. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  envelope(nowMs: number, requestId: string, clientRequestId: string | undefined): unknown {
    const innerError: Record<string, string> = { date: new Date(nowMs).toISOString().slice(0, 19), 'request-id': requestId };
    if (clientRequestId) innerError['client-request-id'] = clientRequestId;
    return { error: { code: this.code, message: this.message, innerError } };
  }
}

export const itemNotFound = (): GraphApiError =>
  new GraphApiError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const resourceNotFound = (path: string): GraphApiError =>
  new GraphApiError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.`);

export const badRequest = (message: string, code = 'ErrorInvalidRequest'): GraphApiError => new GraphApiError(400, code, message);

export const invalidToken = (message = 'Lifetime validation failed, the token is expired.'): GraphApiError =>
  new GraphApiError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': 'Bearer realm="", error="invalid_token"' });

export const syncStateNotFound = (location?: string): GraphApiError =>
  new GraphApiError(
    410,
    'SyncStateNotFound',
    'The sync state generation is not found. Please re-sync from the beginning.',
    location ? { location } : {},
  );

export const throttled = (retryAfterSeconds: number, limit: 'MailboxConcurrency' | 'MailboxRequests' | null): GraphApiError =>
  new GraphApiError(
    429,
    limit ? 'ApplicationThrottled' : 'TooManyRequests',
    limit ? `Application is over its ${limit} limit.` : 'Too many requests.',
    { 'retry-after': String(retryAfterSeconds) },
  );

export const serverError = (status: 500 | 503): GraphApiError =>
  status === 500
    ? new GraphApiError(500, 'InternalServerError', 'An internal server error occurred.')
    : new GraphApiError(503, 'ServiceNotAvailable', 'The service is temporarily unavailable.', { 'retry-after': '1' });

/** An identity platform (token endpoint) error. */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadstsCode: number,
    readonly description: string,
    readonly suberror?: string,
  ) {
    super(`${error}: AADSTS${aadstsCode}: ${description}`);
  }

  body(nowMs: number, traceId: string): Record<string, unknown> {
    return {
      error: this.error,
      error_description: `AADSTS${this.aadstsCode}: ${this.description} Trace ID: ${traceId} Correlation ID: ${traceId} Timestamp: ${new Date(nowMs).toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [this.aadstsCode],
      timestamp: new Date(nowMs).toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: traceId,
      correlation_id: traceId,
      ...(this.suberror ? { suberror: this.suberror } : {}),
    };
  }
}

export const inactiveGrant = (): IdentityError =>
  new IdentityError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');

export const expiredCode = (): IdentityError =>
  new IdentityError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');

export const interactionRequired = (): IdentityError =>
  new IdentityError(400, 'invalid_grant', 50076, 'Due to a configuration change made by your administrator, you must use multi-factor authentication.', 'basic_action');
