import type { DetectConfig, DetectInput, Label, SignalRule } from '../core/detection.ts';
import { passesGate, ruleMatches } from './literal-gate.ts';
import type { MailingShape } from './mailing-shape.ts';
import { answeredText, type BodyParts } from './split-body.ts';

/** Signals that say the message asks for something, not just that it comes from a student. */
export const REQUEST_SIGNALS = new Set([
  'ask_to_meet', 'like_to_meet', 'wondering_if', 'informational_interview', 'ask_advice', 'ask_opportunity',
  'got_your_name', 'learn_about_work', 'asks_if_hiring', 'asks_for_contact', 'hope_to_meet', 'proposes_meeting',
  'asks_for_time', 'asks_about_company',
]);

/** What context signals read besides the message: the rules and what each label's phrases matched. */
export interface ContextView {
  input: DetectInput;
  parts: BodyParts;
  config: DetectConfig & { context?: Record<string, SignalRule[]>; mailingShape?: MailingShape };
  /** The label's own phrase families that fired on the new text. */
  hits: Record<Label, SignalRule[]>;
  /** The message the quoted part starts with, worked out once when a context needs it. */
  answered?: string;
}

// A note this short above a forward or a quote says little more than "FYI" or "works for
// me": what it means comes from the material below it.
const SHORT_NOTE_CHARS = 300;
// The answered message is at the top of the quoted part; older history below says less.
const ANSWERED_CHARS = 1_500;

const OWN_BUSINESS: readonly Label[] = ['scheduling', 'referral', 'follow_up', 'outreach_request'];

const structural = (name: string, weight: number): SignalRule => ({ name, weight, pattern: /$^/, scope: 'structure' });

/** Signals from the message's shape and what it answers rather than its own phrasing. */
export function contextSignals(label: Label, view: ContextView): SignalRule[] {
  switch (label) {
    case 'thank_you':
      // Thanks that open a proposal, a redirect or a nudge belong to what comes after them
      // (one passing "see you tonight" is a pleasantry, not a proposal).
      if (OWN_BUSINESS.some((l) => view.hits[l].length > (l === 'scheduling' ? 1 : 0))) return [];
      return isShortThanks(view.parts.newText) && !answersCompliment(view) ? [structural('short_thanks', 0.6)] : [];
    case 'scheduling':
      return schedulingContext(view);
    case 'outreach_reply':
      return [...replyContext(view), ...redirectContext(view)];
    case 'referral':
      // Passing someone's request to meet on to a colleague refers it to them.
      return view.parts.isForward && isOutreachRequest(answeredOf(view), view.config)
        ? [structural('forwards_request', 0.55)]
        : [];
    default:
      return [];
  }
}

/**
 * An FYI forward of a meeting's details, or a short answer to a proposed time; in a longer
 * note, its own weaker evidence (parking, a pick-up) or saying one will be away, when what
 * it answers or passes on proposes a time.
 */
function schedulingContext({ input, parts, config, hits }: ContextView): SignalRule[] {
  if (!parts.quoted || !parts.newText) return [];
  if (parts.newText.length > 2 * SHORT_NOTE_CHARS) return threadContext({ input, parts, config, hits });
  const note = parts.newText.replace(/\s+/g, ' ').trim();
  if (note.length > SHORT_NOTE_CHARS) return threadContext({ input, parts, config, hits });
  // "FYI" passes the meeting on; a note that asks something is about something else.
  const signal = parts.isForward
    ? /\?|\bplease\b/i.test(note) || (config.context?.request_cue ?? []).some((r) => ruleMatches(r, note)) ? null : structural('forwards_scheduling', 0.55)
    : input.isReply && (config.context?.scheduling_answer ?? []).some((r) => ruleMatches(r, withoutPleasantries(note, config)))
      ? structural('answers_scheduling', 0.55)
      : null;
  return signal && proposesTime(parts.quoted.slice(0, ANSWERED_CHARS), config) ? [signal] : [];
}

// The practical side of an occasion (parking, a pick-up, the room, the details): it takes for
// granted a time the thread has set; a passing "schedule" or "available" does not.
const LOGISTICS = new Set(['visit_logistics', 'meeting_place', 'asks_details']);

/** A note without its courtesies ("Have a great day!"), which answer no proposal. */
function withoutPleasantries(note: string, config: ContextView['config']): string {
  return (config.context?.pleasantry ?? []).reduce((text, r) => (passesGate(r.gate, text) ? text.replace(everywhere(r.pattern), ' ') : text), note);
}

const GLOBAL = new WeakMap<RegExp, RegExp>();

/** `pattern` matching every occurrence, compiled once. */
function everywhere(pattern: RegExp): RegExp {
  let global = GLOBAL.get(pattern);
  if (!global) GLOBAL.set(pattern, (global = new RegExp(pattern.source, `${pattern.flags}g`)));
  return global;
}

/** A longer reply or forward in a thread that is arranging a time. */
function threadContext({ input, parts, config, hits }: Pick<ContextView, 'input' | 'parts' | 'config' | 'hits'>): SignalRule[] {
  if (!input.isReply && !parts.isForward) return [];
  const signal =
    hits.scheduling.some((r) => LOGISTICS.has(r.name))
      ? structural('continues_scheduling', 0.3)
      : (config.context?.away_for_proposal ?? []).some((r) => ruleMatches(r, parts.newText))
        ? structural('away_for_proposal', 0.5)
        : null;
  return signal && proposesTime(parts.quoted.slice(0, ANSWERED_CHARS), config) ? [signal] : [];
}

/** The quoted text proposes or discusses a specific meeting time, and is not an announcement. */
function proposesTime(text: string, config: DetectConfig): boolean {
  if ((config.negatives.scheduling ?? []).some((r) => ruleMatches(r, text))) return false;
  return reaches(config.signals.scheduling, text, config.thresholds.scheduling);
}

/** Whether the phrases that match `text` add up to `threshold`, reading no more of them than needed. */
function reaches(rules: readonly SignalRule[], text: string, threshold: number): boolean {
  let missing = 1;
  for (const rule of rules) {
    if (rule.scope === 'new' && ruleMatches(rule, text)) missing *= 1 - rule.weight;
    if (1 - missing >= threshold) return true;
  }
  return false;
}

/** A reply to a networking request, more certainly so when it also proposes a next step. */
function replyContext(view: ContextView): SignalRule[] {
  const { input, parts, config, hits } = view;
  // Colleagues answering each other are at work; networking answers cross organisations.
  if (!input.isReply || !parts.quoted || parts.isForward || input.isInternal || !parts.newText) return [];
  // A nudge on one's own request quotes it too, but does not answer it.
  if (hits.follow_up.length > 0) return [];
  const nextStep = hits.scheduling.length > 0 || hits.referral.length > 0 || hits.outreach_reply.length > 0;
  const withNextStep = (weight: number) => [
    structural('answers_outreach_request', weight),
    ...(nextStep ? [structural('proposes_next_step', 0.3)] : []),
  ];
  // The answered message, read as a first message, is itself a networking request.
  if (isOutreachRequest(answeredOf(view), config)) return withNextStep(0.5);
  const answered = parts.quoted.slice(0, ANSWERED_CHARS);
  const asked = config.signals.outreach_request.some((r) => REQUEST_SIGNALS.has(r.name) && ruleMatches(r, answered));
  return asked ? withNextStep(0.35) : [];
}

// Referral phrasings that speak to the person who asked ("call X", "I forwarded your resume").
const REDIRECTS = new Set(['talk_to_person', 'please_contact', 'forwarded_to', 'gives_contact', 'referred_person', 'contact_directly']);

/** Sending someone on to another person about their career, or saying their resume went on, answers them. */
function redirectContext({ input, parts, config, hits }: ContextView): SignalRule[] {
  if (input.isInternal || !hits.referral.some((r) => REDIRECTS.has(r.name))) return [];
  // About the asker's career (their resume, visit, a reference), not a question of work.
  const topics = config.context?.networking_topic ?? [];
  return topics.some((r) => ruleMatches(r, parts.newText)) ? [structural('redirects_request', 0.5)] : [];
}

/** The message a reply answers is an announcement to many: answering it is an RSVP, not a plan. */
export function answersAnnouncement(view: ContextView): boolean {
  if (!view.input.isReply || !view.parts.quoted || view.parts.isForward) return false;
  // Its header says who it went to, its first lines whom it greets; a notice it passed on
  // below its own note was sent to others, not by its writer.
  const head = ownHead(view.parts.quoted.slice(0, ANSWERED_CHARS));
  const answered = answeredOf(view);
  return (
    (view.config.context?.mass_audience ?? []).some((r) => ruleMatches(r, head)) ||
    (view.config.negatives.scheduling ?? []).some((r) => ruleMatches(r, answered))
  );
}

// A forward or an older message further down the quoted part, after its first line.
const LATER_MARKER = /\n\s*-{2,}\s*(Forwarded by|Forwarded message|Original Message)\b/i;

/** The answered message's header and its own text, without what it forwarded or quoted. */
function ownHead(quoted: string): string {
  const at = quoted.search(LATER_MARKER);
  return at < 0 ? quoted : quoted.slice(0, at);
}

function answeredOf(view: ContextView): string {
  view.answered ??= answeredText(view.parts.quoted);
  return view.answered;
}

function isOutreachRequest(text: string, config: ContextView['config']): boolean {
  const fired = config.signals.outreach_request.filter((r) => r.scope === 'new' && ruleMatches(r, text));
  if (!fired.some((r) => REQUEST_SIGNALS.has(r.name))) return false;
  const against = (config.negatives.outreach_request ?? []).filter((r) => ruleMatches(r, text));
  return noisyOr(fired) - against.reduce((t, r) => t + r.weight, 0) >= config.thresholds.outreach_request;
}

/** What a short thanks answers is praise ("Great job, it's all your hard work"): thanks for a compliment, not for help. */
function answersCompliment(view: ContextView): boolean {
  if (!view.parts.quoted) return false;
  const praise = view.config.context?.compliment ?? [];
  return praise.length > 0 && praise.some((r) => ruleMatches(r, answeredOf(view)));
}

// Thanks that only acknowledge a message or an invitation are not thanks for help given.
const ACKNOWLEDGES = /\bthank(s| you)( very much| so much)? for (the|your) (invitation|message|e-?mail|note|update|keeping me in mind)\b/i;
// It may sit below a first line that names whom it answers ("Mike Curran / Ok - thanks").
const ACKNOWLEDGING_OPENER = /^([^\n.!?]{1,40}\n\s*)?(ok(ay)?|fine|noted|sounds good|understood)\b/i;
// After the thanks, the writer gets on with something else: a plan, an answer, a request.
const MOVES_ON = /\b(i|we) (shall|will|'ll|am going to)\b|\byes\b|\?|\bplease\b|\b(could|can|would) you\b|\bwould (also )?be (useful|helpful|great|nice)\b|:/i;

/** A note that is little more than thanks ("Thank you! - Pam") thanks for what it answers. */
export function isShortThanks(newText: string): boolean {
  const text = newText.replace(/\s+/g, ' ').trim();
  const opening = text.slice(0, 40);
  if (text.length > 160 || !/\b(thank(s| you)|much appreciated)\b/i.test(opening)) return false;
  // "OK, thanks" acknowledges what was said; it does not thank for help.
  if (ACKNOWLEDGING_OPENER.test(newText.trim())) return false;
  if (/\bthank(s| you) in advance\b/i.test(text) || ACKNOWLEDGES.test(text)) return false;
  const afterThanks = text.replace(/^.*?\b(thank(s| you)|much appreciated)\b[^.!]*[.!]*/i, '');
  return !MOVES_ON.test(afterThanks) && !/\?|\bplease\b|\b(could|can|would) you\b/i.test(text);
}

// The last stretch of a message: its closing line and sign-off.
const CLOSING_CHARS = 120;
// Before it, enough text to have been about something else.
const BODY_CHARS = 80;

/**
 * Thanks in the closing of a message that has asked for something ("…let me know. Thank
 * you for your time") close the request; they do not thank for help already given.
 */
export function isClosingOnRequest(text: string, rule: SignalRule, config: ContextView['config']): boolean {
  const at = rule.pattern.exec(text)?.index ?? 0;
  const before = text.slice(0, at).replace(/\s+/g, ' ').trim();
  if (before.length < BODY_CHARS || text.slice(at).replace(/\s+/g, ' ').trim().length > CLOSING_CHARS) return false;
  return (config.context?.request_cue ?? []).some((r) => ruleMatches(r, before));
}

export function noisyOr(signals: readonly SignalRule[]): number {
  return 1 - signals.reduce((p, s) => p * (1 - s.weight), 1);
}
