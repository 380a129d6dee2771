/**
 * How both mail syncs bring messages in: fetch with bounded concurrency, running up to
 * two batches ahead of writing so that requests flow without a pause at batch boundaries
 * (the provider's quota is spent evenly), while memory holds a few batches at most.
 */
export async function fetchInBatches<T, R>(
  items: readonly T[],
  options: { batchSize: number; concurrency: number },
  fetch: (item: T) => Promise<R | null>,
  store: (fetched: R[], batchLength: number) => Promise<void>,
): Promise<void> {
  const { batchSize } = options;
  const limit = concurrencyLimit(options.concurrency);
  const fetches: Promise<R | null>[] = [];
  const launchUpTo = (end: number) => {
    while (fetches.length < Math.min(end, items.length)) {
      const item = items[fetches.length]!;
      const fetching = limit(() => fetch(item));
      fetching.catch(() => undefined); // reported when its batch is awaited
      fetches.push(fetching);
    }
  };
  for (let start = 0; start < items.length; start += batchSize) {
    launchUpTo(start + 3 * batchSize);
    const results: (R | null)[] = await Promise.all(fetches.slice(start, start + batchSize));
    await store(results.filter((r): r is R => r !== null), results.length);
    // Written: let go of the bytes.
    for (let i = start; i < Math.min(start + batchSize, items.length); i++) fetches[i] = DONE;
  }
}

const DONE: Promise<null> = Promise.resolve(null);

/** Runs at most `max` of the given tasks at once, in the order they were given. */
function concurrencyLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (running >= max || queue.length === 0) return;
    running += 1;
    queue.shift()!();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            next();
          });
      });
      next();
    });
}
