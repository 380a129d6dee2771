import {
  LABELS,
  type Classification,
  type DetectInput,
  type Label,
  type MessageClassifier,
  type SignalRule,
} from '../core/detection.ts';
import { answersAnnouncement, contextSignals, isClosingOnRequest, noisyOr, REQUEST_SIGNALS, type ContextView } from './context-signals.ts';
import { passesGate, ruleMatches } from './literal-gate.ts';
import { looksLikeMailing } from './mailing-shape.ts';
import { splitBody, unwrapped, type BodyParts } from './split-body.ts';

/**
 * Scheduling signals that speak to one person about one meeting ("works for me", "I can
 * meet you at ten"): an announcement's vocabulary around them does not make it a mailing.
 */
const PERSONAL_SCHEDULING = new Set([
  'day_for_me', 'lets_meet', 'meet_you', 'time_works', 'does_time_work', 'ask_for_time', 'call_plan',
  'invite_you', 'declines_time', 'time_slot', 'answers_scheduling', 'arrange_meeting', 'asks_details', 'visit_logistics', 'confirms_time', 'suggests_time',
]);

/**
 * Labels messages with weighted phrase families from config: pure, offline, and fast
 * enough to run on every message ingested.
 */
export class RuleClassifier implements MessageClassifier {
  constructor(private readonly config: ContextView['config']) {}

  classify(input: DetectInput): Classification {
    const parts = readableParts(input);
    const hits = {} as Record<Label, SignalRule[]>;
    for (const label of LABELS) hits[label] = this.matches(this.config.signals[label], input, parts);
    // The times in sentences about what already happened are not proposals.
    if (hits.scheduling.length > 0) {
      const upcoming = withoutSentences(parts.ownText, this.config.context?.past_reference ?? []);
      if (upcoming !== parts.ownText) hits.scheduling = this.matches(this.config.signals.scheduling, input, { ...parts, ownText: upcoming });
      // Nor is a closing "look forward to seeing you then" under a note about something else.
      const body = hits.scheduling.length > 0 ? withoutClosingCourtesy(upcoming, this.config.context?.closing_courtesy ?? []) : upcoming;
      if (body !== upcoming && this.matches(this.config.signals.scheduling, input, { ...parts, ownText: body }).length === 0) hits.scheduling = [];
    }
    if (hits.thank_you.length > 0) {
      hits.thank_you = hits.thank_you.filter((r) => r.scope !== 'new' || !isClosingOnRequest(parts.ownText, r, this.config));
    }
    const view: ContextView = { input, parts, config: this.config, hits };
    const fired: string[] = [];
    const scores = {} as Record<Label, number>;
    for (const label of LABELS) {
      const all = [...hits[label], ...contextSignals(label, view)];
      const misses = all.length > 0 ? this.negatives(label, all, view, parts) : [];
      let score = gate(label, all, input, parts, this.config) ? noisyOr(all) - sum(misses) : 0;
      // Between colleagues a request is usually work, not networking: ask for more evidence.
      if (label === 'outreach_request' && input.isInternal) score *= INTERNAL_REQUEST_FACTOR;
      score = Math.max(0, Math.min(1, score));
      scores[label] = round(score);
      if (score > 0) fired.push(...all.map((s) => `${label}:${s.name}`), ...misses.map((s) => `${label}:-${s.name}`));
    }
    const labels = LABELS.filter((l) => scores[l] >= this.config.thresholds[l]);
    return { labels, scores, signals: fired };
  }

  private negatives(label: Label, fired: SignalRule[], view: ContextView, parts: ReadableParts): SignalRule[] {
    const { input } = view;
    if (label === 'scheduling') {
      const personal = fired.filter((s) => PERSONAL_SCHEDULING.has(s.name));
      if (personal.some((s) => !ACCEPTANCES.has(s.name))) return [];
      // Accepting what a notice to many offers is an RSVP, however warmly put.
      if (personal.length > 0) return answersAnnouncement(view) ? [RSVP] : [];
    }
    // "I am away at a conference that day" says where the writer will be; it announces nothing.
    const read = label === 'scheduling' ? { ...parts, ownText: withoutSentences(parts.ownText, this.config.context?.own_trip ?? []) } : parts;
    const found = this.matches(this.config.negatives[label] ?? [], input, read);
    if (label === 'scheduling' && found.length === 0 && answersAnnouncement(view)) return [ANSWERS_ANNOUNCEMENT];
    return found;
  }

  private matches(rules: readonly SignalRule[], input: DetectInput, parts: ReadableParts): SignalRule[] {
    return rules.filter((rule) => {
      if (rule.scope === 'structure') return input.hasCalendar;
      if (rule.scope === 'forward') return parts.isForward && ruleMatches(rule, parts.forwardText);
      return ruleMatches(rule, parts.ownText) && !rule.unless?.test(parts.ownText);
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
  /** Whether it went to a hidden list or reads as a newsletter; worked out once, when a label needs it. */
  isBroadcast?: boolean;
}

function readableParts(input: DetectInput): ReadableParts {
  const parts = splitBody(input.text.length > 2 * MAX_TEXT ? input.text.slice(0, 2 * MAX_TEXT) : input.text);
  const newText = parts.newText.slice(0, MAX_TEXT);
  const quoted = parts.quoted.slice(0, MAX_TEXT);
  return {
    ...parts,
    newText,
    quoted,
    // A reply's subject repeats what it answers and a forward's names what it passes on,
    // so only a first message's subject counts.
    ownText: input.isReply || parts.isForward ? unwrapped(newText) : `${input.subject}\n${unwrapped(newText)}`,
    forwardText: `${input.subject}\n${quoted}`,
  };
}

const INTERNAL_REQUEST_FACTOR = 0.75;
// Saying yes to what is offered ("glad to join you at the dinner"), rather than proposing a time.
const ACCEPTANCES = new Set(['meet_you']);
const RSVP: SignalRule = { name: 'rsvp', weight: 1, pattern: /$^/, scope: 'structure' };
const ANSWERS_ANNOUNCEMENT: SignalRule = { name: 'answers_announcement', weight: 0.3, pattern: /$^/, scope: 'structure' };
const DEFAULT_MAILING_SHAPE = { minLinks: 5, minHeadings: 4 };

/** Conditions a label needs before its score counts at all. */
function gate(label: Label, fired: SignalRule[], input: DetectInput, parts: ReadableParts, config: ContextView['config']): boolean {
  if (fired.length === 0 || input.isBulk) return false;
  // No visible recipient at all: sent to a hidden list, which is how mailings go out.
  parts.isBroadcast ??= input.recipientCount === 0 || looksLikeMailing(parts.newText, config.mailingShape ?? DEFAULT_MAILING_SHAPE);
  const isBroadcast = parts.isBroadcast;
  const isMailing = isBroadcast || input.recipientCount > config.maxConversationRecipients;
  switch (label) {
    case 'thank_you':
      // A team thanked by name in one note is still thanked; a newsletter is not.
      return !isBroadcast;
    case 'outreach_request':
      // An invitation schedules a meeting; it does not ask for one.
      return !isMailing && !input.hasCalendar && fired.some((s) => REQUEST_SIGNALS.has(s.name));
    case 'outreach_reply':
      // "I have forwarded your resume to…" answers a request even in a new message (the
      // request may have come by phone or in person).
      return !isMailing && (input.isReply || (fired.some((s) => s.name === 'redirects_request') && sentOn(parts.ownText, config)));
    case 'scheduling':
      // A meeting called for a long list of colleagues, each named on the mail, is still
      // arranged between people; an announcement to outsiders or a hidden list is not.
      return !isMailing || input.hasCalendar || (!isBroadcast && input.isInternal);
    default:
      return !isMailing;
  }
}

/** The reader's own resume or application was passed on: what a new message answering a request says. */
function sentOn(text: string, config: ContextView['config']): boolean {
  return (config.context?.asker_material ?? []).some((r) => ruleMatches(r, text));
}

// A sentence runs to a full stop, a question or an exclamation mark, or to the end of its line
// (a subject, a greeting, a list item).
const SENTENCE = /[^.!?\n]+[.!?]*/g;

/** `text` without the sentences that match one of `rules`. */
function withoutSentences(text: string, rules: readonly SignalRule[]): string {
  if (rules.length === 0 || !rules.some((r) => ruleMatches(r, text))) return text;
  return text.replace(SENTENCE, (sentence) => (rules.some((r) => ruleMatches(r, sentence)) ? ' ' : sentence));
}

// The last stretch of a note, where its courtesies and sign-off are.
const CLOSING_CHARS = 120;
// Before them, enough text to have been about something else.
const BODY_CHARS = 80;
// Where a sentence or a line ends.
const SENTENCE_END = /[.!?\n]/;

/**
 * `text` without a courtesy in its closing lines ("I look forward to seeing you next
 * week"), when enough comes before it. One that names an hour or a date ("at 1pm on 4/19")
 * confirms it, so it stays.
 */
function withoutClosingCourtesy(text: string, rules: readonly SignalRule[]): string {
  if (rules.length === 0) return text;
  const tailStart = Math.max(0, text.length - CLOSING_CHARS);
  const tail = text.slice(tailStart);
  let found: RegExpExecArray | null = null;
  for (const rule of rules) if (passesGate(rule.gate, tail) && (found = rule.pattern.exec(tail))) break;
  if (!found) return text;
  const at = tailStart + found.index;
  let start = at;
  while (start > 0 && !SENTENCE_END.test(text[start - 1]!)) start -= 1;
  const before = text.slice(0, start);
  if (before.replace(/\s+/g, ' ').trim().length < BODY_CHARS) return text;
  const after = text.slice(at + found[0].length);
  const end = after.search(SENTENCE_END);
  if (/\d/.test(end < 0 ? after : after.slice(0, end))) return text;
  return `${before} ${end < 0 ? '' : after.slice(end)}`;
}

function sum(signals: readonly SignalRule[]): number {
  return signals.reduce((total, s) => total + s.weight, 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
