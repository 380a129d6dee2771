// `npm run bench:detect`: what classifying one message costs, next to parsing it. Reads
// the shared Enron files, parses them once, then classifies them repeatedly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDetectConfig } from '../src/config/load-detect-config.ts';
import { detectInputOf } from '../src/detect/detect-input.ts';
import { RuleClassifier } from '../src/detect/rule-classifier.ts';
import { isBulkMail } from '../src/ingest/bulk-mail.ts';
import { parseMessage } from '../src/ingest/parse-message.ts';

const ROUNDS = 20;
const root = path.resolve(process.cwd(), '../shared/data/enron/kaminski-v');
if (!fs.existsSync(root)) {
  console.error(`The benchmark reads ${root}, which is missing.`);
  process.exit(1);
}
const files = fs.readdirSync(root).flatMap((d) => fs.readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)));
let started = performance.now();
const parsed = [];
for (const file of files) parsed.push(await parseMessage(fs.readFileSync(file)));
const parseMs = (performance.now() - started) / files.length;
const inputs = parsed.map((p) => detectInputOf(p, isBulkMail(p.bulk)));
const classifier = new RuleClassifier(loadDetectConfig());
for (const input of inputs) classifier.classify(input); // warm up the JIT
started = performance.now();
for (let round = 0; round < ROUNDS; round += 1) for (const input of inputs) classifier.classify(input);
const classifyMs = (performance.now() - started) / (ROUNDS * inputs.length);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(`messages: ${files.length}, classified ${ROUNDS} times each`);
console.log(`parse (mailparser): ${parseMs.toFixed(3)} ms/message`);
console.log(`classify: ${classifyMs.toFixed(3)} ms/message (target ≤ 0.2 ms: ${classifyMs <= 0.2 ? 'met' : 'not met'})`);
