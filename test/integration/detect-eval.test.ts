import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDetectConfig } from '../../src/config/load-detect-config.ts';
import { LABELS, type Label } from '../../src/core/detection.ts';
import { readDevSet, runDevSet } from '../../scripts/dev-set.ts';
import { hasSharedData, SHARED_DATA } from '../helpers/test-config.ts';

const BASELINE = new URL('../fixtures/detect/baseline.json', import.meta.url);

describe.runIf(hasSharedData)('detection on the labelled dev set', () => {
  it('has at least 500 labelled messages, each once, all readable in the shared data', () => {
    const items = readDevSet();
    expect(items.length).toBeGreaterThanOrEqual(500);
    expect(new Set(items.map((i) => i.path)).size).toBe(items.length);
    for (const item of items) {
      expect(fs.existsSync(`${SHARED_DATA}/${item.path}`), item.path).toBe(true);
      for (const label of item.labels) expect(LABELS).toContain(label);
    }
  });

  it('keeps every label at or above its committed precision and recall', async () => {
    const baseline = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as Record<Label, { precision: number; recall: number }>;
    const { evaluation } = await runDevSet(SHARED_DATA, loadDetectConfig());
    for (const label of LABELS) {
      const measured = evaluation.perLabel[label];
      expect(measured.precision, `${label} precision`).toBeGreaterThanOrEqual(baseline[label].precision);
      expect(measured.recall, `${label} recall`).toBeGreaterThanOrEqual(baseline[label].recall);
    }
  });
});
