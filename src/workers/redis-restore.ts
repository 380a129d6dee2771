import type { Redis } from 'ioredis';

/**
 * Runs `restore` each time the connection comes back after having been lost. A Redis
 * that restarts without persistence (as a cache-style Redis does) forgets the job
 * schedulers and every waiting or delayed job; what the database says is due (approved
 * drafts, planned work, the poll) is then queued again. Restoring is idempotent, so a
 * restart that kept its data costs nothing. Returns a function that stops listening.
 */
export function restoreAfterReconnect(redis: Redis, restore: () => Promise<void>, onError: (err: Error) => void): () => void {
  let connectedBefore = redis.status === 'ready';
  const onReady = () => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    restore().catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
  };
  redis.on('ready', onReady);
  return () => redis.off('ready', onReady);
}
