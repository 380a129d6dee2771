/**
 * The literal gates over the real mail in ../shared/data: on every message, and every
 * sentence of it, no gate stops a rule that matches, and the classifier labels each message
 * exactly as it does with the gates taken away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDetectConfig, type RuleDetectConfig } from '../../src/config/load-detect-config.ts';
import type { SignalRule } from '../../src/core/detection.ts';
import { detectInputOf } from '../../src/detect/detect-input.ts';
import { RuleClassifier } from '../../src/detect/rule-classifier.ts';
import { isBulkMail } from '../../src/ingest/bulk-mail.ts';
import { parseMessage } from '../../src/ingest/parse-message.ts';
import { hasSharedData, SHARED_DATA } from '../helpers/test-config.ts';

const rulesOf = (config: RuleDetectConfig): SignalRule[] =>
  [config.signals, config.negatives, config.context].flatMap((group) => Object.values(group).flatMap((r) => r ?? []));

function ungated(): RuleDetectConfig {
  const config = loadDetectConfig();
  for (const rule of rulesOf(config)) rule.gate = null;
  return config;
}

function mailFiles(): string[] {
  return fs.readdirSync(SHARED_DATA, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/\.(ics|json|jsonl|md|txt|ya?ml)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe.runIf(hasSharedData)('literal gates on the shared mail', () => {
  it('stop no rule that matches, and change no label', { timeout: 120_000 }, async () => {
    const gatedConfig = loadDetectConfig();
    const rules = rulesOf(gatedConfig).filter((r) => r.gate);
    const withGates = new RuleClassifier(gatedConfig);
    const without = new RuleClassifier(ungated());
    let messages = 0;
    let spared = 0;
    let tried = 0;
    const stopped: string[] = [];
    const relabelled: string[] = [];
    for (const file of mailFiles()) {
      let parsed;
      try {
        parsed = await parseMessage(fs.readFileSync(file));
      } catch {
        continue; // unreadable files are the import tests' business
      }
      messages += 1;
      const input = detectInputOf(parsed, isBulkMail(parsed.bulk));
      for (const text of [input.subject, input.text, ...input.text.split(/[.!?\n]/)]) {
        for (const rule of rules) {
          tried += 1;
          if (rule.gate!.admits(text)) continue;
          spared += 1;
          if (rule.pattern.test(text)) stopped.push(`${rule.name} in ${path.relative(SHARED_DATA, file)}`);
        }
      }
      const a = withGates.classify(input);
      const b = without.classify(input);
      if (JSON.stringify(a) !== JSON.stringify(b)) relabelled.push(path.relative(SHARED_DATA, file));
    }
    expect(messages).toBeGreaterThan(2000);
    expect(stopped).toEqual([]);
    expect(relabelled).toEqual([]);
    expect(spared / tried).toBeGreaterThan(0.5);
  });
});
