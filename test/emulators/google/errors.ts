/**
 * Errors in Google's shapes: the API envelope
 * `{"error":{"code","message","status","errors":[{"domain","reason","message"}]}}`
 * and the OAuth one `{"error","error_description"}`. Route code throws these; the server
 * turns them into responses.
 */

/** One entry of the envelope's `errors` array. */
export interface ErrorDetail {
  domain: string;
  reason: string;
  message: string;
  location?: string;
  locationType?: string;
}

/** An API error; `toJSON` gives the envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
    /** The gRPC-style status word; Calendar's 410 has none. */
    readonly statusText: string | null,
    readonly details: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): unknown {
    const error: Record<string, unknown> = { code: this.status, message: this.message, errors: this.details };
    if (this.statusText) error['status'] = this.statusText;
    return { error };
  }
}

function simple(status: number, statusText: string | null, domain: string, reason: string, message: string) {
  return new ApiError(status, message, statusText, [{ domain, reason, message }]);
}

export function notFound(message = 'Requested entity was not found.'): ApiError {
  return simple(404, 'NOT_FOUND', 'global', 'notFound', message);
}

export function badRequest(message: string, reason = 'invalidArgument'): ApiError {
  return simple(400, 'INVALID_ARGUMENT', 'global', reason, message);
}

export function invalidCredentials(): ApiError {
  const error = new ApiError(401, 'Invalid Credentials', 'UNAUTHENTICATED', [
    { domain: 'global', reason: 'authError', message: 'Invalid Credentials', location: 'Authorization', locationType: 'header' },
  ]);
  error.headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  return error;
}

export function insufficientPermissions(): ApiError {
  const error = new ApiError(403, 'Request had insufficient authentication scopes.', 'PERMISSION_DENIED', [
    { domain: 'global', reason: 'insufficientPermissions', message: 'Insufficient Permission' },
  ]);
  error.headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"';
  return error;
}

export function forbidden(message: string): ApiError {
  return simple(403, 'PERMISSION_DENIED', 'global', 'forbidden', message);
}

/** The per-user quota answer (also what a '429' fault returns). */
export function userRateLimitExceeded(retryAtMs: number): ApiError {
  const message = `User-rate limit exceeded.  Retry after ${new Date(retryAtMs).toISOString()}`;
  return simple(429, 'RESOURCE_EXHAUSTED', 'usageLimits', 'rateLimitExceeded', message);
}

export function userRateLimit403(): ApiError {
  return simple(403, 'PERMISSION_DENIED', 'usageLimits', 'userRateLimitExceeded', 'User Rate Limit Exceeded');
}

export function backendError(status: 500 | 503): ApiError {
  return status === 500
    ? simple(500, 'INTERNAL', 'global', 'backendError', 'Backend Error')
    : simple(503, 'UNAVAILABLE', 'global', 'backendError', 'The service is currently unavailable.');
}

export function fullSyncRequired(): ApiError {
  return new ApiError(410, 'Sync token is no longer valid, a full sync is required.', null, [
    {
      domain: 'calendar',
      reason: 'fullSyncRequired',
      message: 'Sync token is no longer valid, a full sync is required.',
      location: 'syncToken',
      locationType: 'parameter',
    },
  ]);
}

/** An OAuth endpoint error: `{"error","error_description"}`. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  toJSON(): unknown {
    return { error: this.error, error_description: this.description };
  }
}

export function invalidGrant(description = 'Token has been expired or revoked.'): OAuthError {
  return new OAuthError(400, 'invalid_grant', description);
}
