import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABELS, type DetectConfig, type Label } from '../src/core/detection.ts';
import { detectInputOf } from '../src/detect/detect-input.ts';
import { evaluate, type Evaluation } from '../src/detect/evaluate.ts';
import { RuleClassifier } from '../src/detect/rule-classifier.ts';
import { isBulkMail } from '../src/ingest/bulk-mail.ts';
import { parseMessage } from '../src/ingest/parse-message.ts';

const DEV_SET_DIR = fileURLToPath(new URL('../test/fixtures/detect/devset/', import.meta.url));

export interface DevItem {
  path: string;
  labels: Label[];
  set: string;
}

/** Every labelled message of the dev set (optionally only the named sets, e.g. `set-a`). */
export function readDevSet(only: readonly string[] = []): DevItem[] {
  return fs
    .readdirSync(DEV_SET_DIR)
    .filter((f) => f.endsWith('.jsonl') && (only.length === 0 || only.includes(f.replace('.jsonl', ''))))
    .sort()
    .flatMap((f) =>
      fs
        .readFileSync(path.join(DEV_SET_DIR, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => ({ ...(JSON.parse(l) as { path: string; labels: Label[] }), set: f.replace('.jsonl', '') })),
    );
}

/** Classifies every dev-set message and scores the result. */
export async function runDevSet(shared: string, config: DetectConfig, only: readonly string[] = []) {
  const classifier = new RuleClassifier(config);
  const pairs = [];
  const uniquePairs = [];
  const bodies = new Set<string>();
  const misses = [];
  for (const item of readDevSet(only)) {
    const parsed = await parseMessage(fs.readFileSync(path.join(shared, item.path)));
    const result = classifier.classify(detectInputOf(parsed, isBulkMail(parsed.bulk)));
    pairs.push({ expected: item.labels, predicted: result.labels });
    // The mailbox keeps some messages in two folders; counted once, each weighs as one.
    const body = `${parsed.subject}\n${parsed.text}`.replace(/\s+/g, ' ').trim();
    if (!bodies.has(body)) uniquePairs.push({ expected: item.labels, predicted: result.labels });
    bodies.add(body);
    if ([...item.labels].sort().join() !== [...result.labels].sort().join()) {
      misses.push({ path: item.path, expected: item.labels, predicted: result.labels, signals: result.signals });
    }
  }
  return { evaluation: evaluate(pairs), unique: evaluate(uniquePairs), misses };
}

/** Precision and recall per label on one line, for the messages counted once. */
export function formatUnique(e: Evaluation): string {
  const figures = LABELS.map((l) => `${l} ${e.perLabel[l].precision.toFixed(2)}/${e.perLabel[l].recall.toFixed(2)}`);
  return `duplicates counted once (${e.messages} messages, precision/recall): ${figures.join(', ')}`;
}

/** A table a person reads: one line per label, then what each label was mistaken for. */
export function formatEvaluation(e: Evaluation): string {
  const pct = (x: number) => x.toFixed(2);
  const lines = [`${e.messages} messages`, 'label              precision  recall  f1     support  predicted'];
  for (const label of LABELS) {
    const m = e.perLabel[label];
    lines.push(`${label.padEnd(18)} ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}  ${pct(m.f1).padStart(5)}  ${String(m.support).padStart(7)}  ${String(m.predicted).padStart(9)}`);
  }
  lines.push('', 'missed labels were predicted as:');
  for (const label of LABELS) {
    const c = Object.entries(e.confusions[label]).map(([k, v]) => `${k} ${v}`).join(', ');
    if (c) lines.push(`  ${label}: ${c}`);
  }
  return lines.join('\n');
}
