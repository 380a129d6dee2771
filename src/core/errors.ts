/**
 * The one error hierarchy. Each class keeps `cause` and carries typed fields, so callers
 * switch on the class, never on message text.
 */

/** Something in the configuration is wrong; `problems` lists every bad key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { key: string; expected: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  - ${p.key}: ${p.expected}`).join('\n'),
    );
  }
}

/** A service rapport depends on (Redis, PostgreSQL) does not answer. */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  constructor(
    readonly service: 'redis' | 'postgresql',
    readonly url: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot reach ${service} at ${url}. ${hint}`, options);
  }
}

/** Input that cannot be used (a malformed message, an unreadable file); never retried. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A record the caller named does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly what: string,
    readonly key: string,
  ) {
    super(`No ${what} matches "${key}".`);
  }
}

/**
 * The provider refused the account's credentials for good (revoked, expired, password
 * changed): the user must connect the account again. Never retried.
 */
export class ReauthRequiredError extends Error {
  override readonly name = 'ReauthRequiredError';
  constructor(
    readonly provider: string,
    readonly address: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${provider} no longer accepts rapport's access to ${address} (${reason}). Run \`rapport accounts connect ${provider}\` to connect it again.`,
      options,
    );
  }
}

/** The provider asked us to slow down, or failed for now; worth retrying after `retryAfterMs`. */
export class ProviderBusyError extends Error {
  override readonly name = 'ProviderBusyError';
  constructor(
    readonly provider: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The provider rejected a call for a reason retrying will not fix (bad request, missing permission). */
export class ProviderRequestError extends Error {
  override readonly name = 'ProviderRequestError';
  constructor(
    readonly provider: string,
    readonly status: number | null,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Hides the password of a connection URL so it can be shown or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
