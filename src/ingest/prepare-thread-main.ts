/**
 * Entry of the prepare thread (see prepare-thread.ts): reads, parses and analyses the
 * items of one batch at a time, in the order asked, and posts back what it found.
 */
import { parentPort } from 'node:worker_threads';
import { oneAtATime } from '../core/one-at-a-time.ts';
import { loadDetectConfig } from '../config/load-detect-config.ts';
import { RuleClassifier } from '../detect/rule-classifier.ts';
import { prepareItems, readRawItems, reasonOf } from './prepare-item.ts';
import type { PrepareReply, PrepareRequest } from './prepare-thread.ts';

const port = parentPort;
if (!port) throw new Error('prepare-thread-main.ts runs as a worker thread, started by PrepareThread');

const classifier = new RuleClassifier(loadDetectConfig());
// One batch at a time, so the thread holds the bytes of one batch only.
const inTurn = oneAtATime();

port.on('message', (request: PrepareRequest) => {
  void inTurn(async () => {
    let reply: PrepareReply;
    try {
      const items = await readRawItems(request.refs);
      reply = { id: request.id, results: await prepareItems(items, { ...request.settings, classifier }) };
    } catch (err) {
      reply = { id: request.id, error: reasonOf(err) };
    }
    port.postMessage(reply);
  });
});
