import {
  LABELS,
  type Classification,
  type DetectConfig,
  type DetectInput,
  type Label,
  type MessageClassifier,
  type SignalRule,
} from '../core/detection.ts';
import { splitBody, type BodyParts } from './split-body.ts';

/** Signals that say the message asks for something, not just that it comes from a student. */
const REQUEST_SIGNALS = new Set([
  'ask_to_meet', 'like_to_meet', 'wondering_if', 'informational_interview', 'ask_advice',
  'ask_opportunity', 'got_your_name', 'learn_about_work', 'asks_if_hiring', 'asks_for_contact', 'hope_to_meet',
]);

/**
 * Labels messages with weighted phrase families from config: pure, offline, and fast
 * enough to run on every message ingested.
 */
export class RuleClassifier implements MessageClassifier {
  constructor(private readonly config: DetectConfig) {}

  classify(input: DetectInput): Classification {
    const parts = readableParts(input);
    const fired: string[] = [];
    const scores = {} as Record<Label, number>;
    for (const label of LABELS) {
      const hits = this.matches(this.config.signals[label], input, parts);
      const misses = this.matches(this.config.negatives[label] ?? [], input, parts);
      const context = contextSignals(label, input, parts, this.config);
      const all = [...hits, ...context];
      let score = gate(label, all, input, this.config) ? noisyOr(all) - sum(misses) : 0;
      // Between colleagues a request is usually work, not networking: ask for more evidence.
      if (label === 'outreach_request' && input.isInternal) score *= INTERNAL_REQUEST_FACTOR;
      score = Math.max(0, Math.min(1, score));
      scores[label] = round(score);
      if (score > 0) fired.push(...all.map((s) => `${label}:${s.name}`), ...misses.map((s) => `${label}:-${s.name}`));
    }
    const labels = LABELS.filter((l) => scores[l] >= this.config.thresholds[l]);
    return { labels, scores, signals: fired };
  }

  private matches(rules: readonly SignalRule[], input: DetectInput, parts: ReadableParts): SignalRule[] {
    return rules.filter((rule) => {
      if (rule.scope === 'structure') return input.hasCalendar;
      if (rule.scope === 'forward') return parts.isForward && rule.pattern.test(parts.forwardText);
      return rule.pattern.test(parts.ownText) && !rule.unless?.test(parts.ownText);
    });
  }
}

// What a person writes in a networking note fits in a few thousand characters; reading
// further only costs time (a pasted report, a long forward).
const MAX_TEXT = 4_000;

interface ReadableParts extends BodyParts {
  /** What the rules read: a first message's subject and the new text. */
  ownText: string;
  /** What forward rules read: the subject and the forwarded material. */
  forwardText: string;
}

function readableParts(input: DetectInput): ReadableParts {
  const parts = splitBody(input.text.length > 4 * MAX_TEXT ? input.text.slice(0, 4 * MAX_TEXT) : input.text);
  const newText = parts.newText.slice(0, MAX_TEXT);
  const quoted = parts.quoted.slice(0, MAX_TEXT);
  return {
    ...parts,
    newText,
    quoted,
    // A reply's subject repeats what it answers, so only a first message's subject counts.
    ownText: input.isReply ? newText : `${input.subject}\n${newText}`,
    forwardText: `${input.subject}\n${quoted}`,
  };
}

/** Signals from the message's shape and what it answers rather than its phrasing. */
function contextSignals(label: Label, input: DetectInput, parts: BodyParts, config: DetectConfig): SignalRule[] {
  if (label === 'thank_you') return isShortThanks(parts.newText) ? [SHORT_THANKS] : [];
  if (label !== 'outreach_reply' || !input.isReply || !parts.quoted) return [];
  const askedBefore = config.signals.outreach_request.filter(
    (r) => REQUEST_SIGNALS.has(r.name) && r.pattern.test(parts.quoted),
  );
  return askedBefore.length > 0
    ? [{ name: 'answers_outreach_request', weight: 0.35, pattern: /$^/, scope: 'structure' }]
    : [];
}

const INTERNAL_REQUEST_FACTOR = 0.75;

const SHORT_THANKS: SignalRule = { name: 'short_thanks', weight: 0.6, pattern: /$^/, scope: 'structure' };

/** A note that is little more than thanks ("Thank you! - Pam") thanks for what it answers. */
function isShortThanks(newText: string): boolean {
  const text = newText.replace(/\s+/g, ' ').trim();
  const opening = text.slice(0, 40);
  return (
    text.length <= 160 &&
    /\b(thank(s| you)|much appreciated)\b/i.test(opening) &&
    !/\bthank(s| you) in advance\b/i.test(text) &&
    !/\?|\bplease\b|\b(could|can|would) you\b/i.test(text)
  );
}

/** Conditions a label needs before its score counts at all. */
function gate(label: Label, fired: SignalRule[], input: DetectInput, config: DetectConfig): boolean {
  if (fired.length === 0 || input.isBulk) return false;
  const isMailing = input.recipientCount > config.maxConversationRecipients;
  switch (label) {
    case 'outreach_request':
      // An invitation schedules a meeting; it does not ask for one.
      return !isMailing && !input.hasCalendar && fired.some((s) => REQUEST_SIGNALS.has(s.name));
    case 'outreach_reply':
      return !isMailing && input.isReply;
    case 'scheduling':
      return !isMailing || input.hasCalendar;
    default:
      return !isMailing;
  }
}

function noisyOr(signals: readonly SignalRule[]): number {
  return 1 - signals.reduce((p, s) => p * (1 - s.weight), 1);
}

function sum(signals: readonly SignalRule[]): number {
  return signals.reduce((total, s) => total + s.weight, 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
