import { pino, type DestinationStream, type Logger } from 'pino';
import { describeError, safeFields } from './log-safety.ts';

/** The levels `logLevel` (RAPPORT_LOG_LEVEL) accepts. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Where the JSON lines go; standard error by default. Tests capture them. */
  destination?: DestinationStream;
}

/**
 * Silent until a long-running service (`rapport start`, `worker`, `web`) turns it on, so
 * that one-off commands keep their terminal output to what they print for the user.
 */
let root: Logger = createLogger({ level: 'silent' });

/**
 * rapport's JSON log: one line per event on standard error, with `time`, `level` (a
 * name), `component` and `msg`. Every record passes `safeFields`, so tokens and mail
 * content stay out even if a caller passes them by mistake; callers log only ids,
 * counts, states and error messages.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'rapport' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Not pino's own error serializer: it copies every field a client library hangs on an error.
      serializers: { err: (value: unknown) => (value instanceof Error ? describeError(value) : value) },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => safeFields(fields) as Record<string, unknown>,
      },
      hooks: {
        // The message itself is scrubbed too (an error message may quote a URL).
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? (safeFields(arg) as string) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** Makes `logger()` write at `level` to `destination` from now on; returns it. */
export function configureLogger(options: LoggerOptions): Logger {
  root = createLogger(options);
  return root;
}

/** The process's logger, for one part of rapport (`component`: "worker", "http", …). */
export function logger(component: string): Logger {
  return root.child({ component });
}
