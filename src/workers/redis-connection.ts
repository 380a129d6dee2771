import { Redis } from 'ioredis';
import { redactUrl, ServiceUnavailableError } from '../core/errors.ts';

const PROBE_TIMEOUT_MS = 3_000;

/**
 * Checks that Redis answers before anything waits on it (ioredis would otherwise retry
 * for ever), then returns a connection fit for BullMQ workers.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new ServiceUnavailableError(
      'redis',
      redactUrl(url),
      'Start Redis (for example `redis-server --daemonize yes`, or `apt-get install redis-server`), ' +
        'or set REDIS_URL to a Redis that runs.',
      { cause: err },
    );
  } finally {
    // disconnect() on a connection that already ended arms a reconnect timer that would
    // keep the process alive for seconds after the error is shown.
    if (probe.status !== 'end') probe.disconnect();
  }
  // BullMQ workers block on Redis: they need requests that wait for a reconnect.
  return new Redis(url, { maxRetriesPerRequest: null });
}
