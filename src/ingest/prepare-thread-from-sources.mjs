// Starts the prepare thread from the TypeScript sources (tests, `RAPPORT_FROM_SOURCE=1`):
// a worker thread does not inherit the tsx loader its parent registered.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
