// `npm run eval`: measures detection on the labelled dev set (test/fixtures/detect/devset)
// over the shared Enron files, and prints precision, recall, F1 and confusions per label.
import fs from 'node:fs';
import path from 'node:path';
import { loadDetectConfig } from '../src/config/load-detect-config.ts';
import { LABELS } from '../src/core/detection.ts';
import { formatEvaluation, formatUnique, runDevSet } from './dev-set.ts';

const shared = path.resolve(process.cwd(), '../shared/data');
if (!fs.existsSync(shared)) {
  console.error(`The dev set reads messages from ${shared}, which is missing.`);
  process.exit(1);
}
const onlySets = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const showMisses = process.argv.includes('--misses');
const writeBaseline = process.argv.includes('--write-baseline');
const { evaluation, unique, misses } = await runDevSet(shared, loadDetectConfig(), onlySets);
console.log(formatEvaluation(evaluation));
console.log(`\n${formatUnique(unique)}`);
if (showMisses) {
  for (const m of misses) console.log(`${m.path}\n  expected ${m.expected.join(',') || 'other'}; got ${m.predicted.join(',') || 'other'}; ${m.signals.join(' ')}`);
}
if (writeBaseline) {
  // The floor the test holds detection to: today's figures, rounded down to two decimals.
  const floor = (x: number) => Math.floor(x * 100) / 100;
  const baseline = Object.fromEntries(
    LABELS.map((l) => [l, { precision: floor(evaluation.perLabel[l].precision), recall: floor(evaluation.perLabel[l].recall) }]),
  );
  fs.writeFileSync(new URL('../test/fixtures/detect/baseline.json', import.meta.url), JSON.stringify(baseline, null, 2) + '\n');
  console.log('\nwrote test/fixtures/detect/baseline.json');
}
