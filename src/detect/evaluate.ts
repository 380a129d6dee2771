import { LABELS, type Label } from '../core/detection.ts';

export interface LabelMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface Evaluation {
  perLabel: Record<Label, LabelMetrics>;
  /** For each true label, the labels predicted on its messages when it was missed ('other' = none). */
  confusions: Record<Label, Record<string, number>>;
  messages: number;
}

/** Precision, recall and F1 per label over pairs of (expected, predicted) label sets. */
export function evaluate(pairs: readonly { expected: readonly Label[]; predicted: readonly Label[] }[]): Evaluation {
  const perLabel = {} as Record<Label, LabelMetrics>;
  const confusions = {} as Record<Label, Record<string, number>>;
  for (const label of LABELS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const confused: Record<string, number> = {};
    for (const { expected, predicted } of pairs) {
      const want = expected.includes(label);
      const got = predicted.includes(label);
      if (want && got) tp += 1;
      else if (got) fp += 1;
      else if (want) {
        fn += 1;
        const instead = predicted.length ? predicted.join('+') : 'other';
        confused[instead] = (confused[instead] ?? 0) + 1;
      }
    }
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perLabel[label] = { precision, recall, f1, support: tp + fn, predicted: tp + fp };
    confusions[label] = confused;
  }
  return { perLabel, confusions, messages: pairs.length };
}
