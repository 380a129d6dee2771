import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { projectFile } from '../core/project-files.ts';
import { literalGates } from '../detect/literal-gate.ts';
import { LABELS, type DetectConfig, type Label, type SignalRule } from '../core/detection.ts';

const DEFAULT_FILE = projectFile('config', 'detect.yaml');

const ruleSchema = z.object({
  name: z.string().min(1),
  weight: z.number().min(0).max(1),
  pattern: z.string().min(1),
  in: z.enum(['new', 'forward', 'structure']).default('new'),
  case: z.enum(['insensitive', 'sensitive']).default('insensitive'),
  /** The signal does not fire when this matches the same text (e.g. a request around a "thanks"). */
  unless: z.string().optional(),
});

const fileSchema = z.object({
  thresholds: z.record(z.enum(LABELS), z.number().min(0).max(1)),
  maxConversationRecipients: z.number().int().min(1),
  mailingShape: z.object({ minLinks: z.number().int().min(1), minHeadings: z.number().int().min(1) }).default({ minLinks: 5, minHeadings: 4 }),
  signals: z.record(z.string(), z.array(ruleSchema)),
});

/**
 * Detection settings plus the context families: phrase lists that are not a label's own
 * evidence but describe what a message answers (e.g. `scheduling_answer`: "works for me").
 */
export interface RuleDetectConfig extends DetectConfig {
  context: Record<string, SignalRule[]>;
  /** From how many links or capital headings a message reads as a mailing. */
  mailingShape: { minLinks: number; minHeadings: number };
}

/** Reads and compiles the detection rules (`config/detect.yaml`, or `file`). */
export function loadDetectConfig(file = DEFAULT_FILE): RuleDetectConfig {
  const parsed = fileSchema.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ key: `${file}: ${i.path.join('.')}`, expected: i.message })));
  }
  const { thresholds, maxConversationRecipients, mailingShape, signals } = parsed.data;
  const compile = (key: string): SignalRule[] =>
    (signals[key] ?? []).map((r) => ({
      name: r.name,
      weight: r.weight,
      scope: r.in,
      pattern: compilePattern(r.pattern, r.case, `${key}.${r.name}`),
      ...(r.unless ? { unless: compilePattern(r.unless, 'insensitive', `${key}.${r.name}.unless`) } : {}),
    }));
  const byLabel = (suffix: string) =>
    Object.fromEntries(LABELS.map((l) => [l, compile(l + suffix)])) as Record<Label, SignalRule[]>;
  const labelKeys = new Set(LABELS.flatMap((l) => [l, `${l}_negative`]));
  const contextKeys = Object.keys(signals).filter((k) => !labelKeys.has(k));
  const config: RuleDetectConfig = {
    context: Object.fromEntries(contextKeys.map((k) => [k, compile(k)])),
    thresholds: { ...Object.fromEntries(LABELS.map((l) => [l, 0.5])), ...thresholds } as Record<Label, number>,
    maxConversationRecipients,
    mailingShape,
    signals: byLabel(''),
    negatives: byLabel('_negative'),
  };
  const rules = [config.signals, config.negatives, config.context].flatMap((group) => Object.values(group).flatMap((r) => r ?? []));
  literalGates(rules.map((r) => r.pattern)).forEach((gate, i) => (rules[i]!.gate = gate));
  return config;
}

function compilePattern(source: string, mode: 'insensitive' | 'sensitive', key: string): RegExp {
  try {
    return new RegExp(source, mode === 'sensitive' ? '' : 'i');
  } catch (err) {
    throw new ConfigError([{ key, expected: `a valid regular expression (${(err as Error).message})` }]);
  }
}
