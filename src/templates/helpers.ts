import type Handlebars from 'handlebars';
import { describeDay, formatDate, type DateStyle } from './date-wording.ts';
import type { DraftView } from './draft-view.ts';
import { toReplySubject } from './header-text.ts';
import { firstNameOf, joinNames } from './person-name.ts';
import { Placeholder } from './placeholder.ts';

type HandlebarsEnv = typeof Handlebars;
type Helper = (args: unknown[], options: Handlebars.HelperOptions) => unknown;

/**
 * The helpers templates may call. Pure functions of their arguments and the view: none reads
 * a file, the clock or the network. A placeholder passes through each one unchanged.
 */
const HELPERS: Readonly<Record<string, Helper>> = {
  /** `{{firstName contact.fullName}}` → "Jane". */
  firstName: ([name]) => (typeof name === 'string' ? (firstNameOf(name) ?? name) : name),
  /** `{{list referrals}}` → "Maria Lopez, Sam Rivera, and Kim Lee". */
  list: ([names]) => (Array.isArray(names) ? joinNames(names.map(String)) : names),
  /** `{{formatDate meeting.start meeting.timeZone style="weekday"}}`; zone defaults to the user's. */
  formatDate: ([date, timeZone], options) =>
    date instanceof Date ? formatDate(date, zoneOr(timeZone, options), styleOf(options)) : date,
  /** `{{relativeDay meeting.start meeting.timeZone}}` → "yesterday", "on Tuesday", "on March 4". */
  relativeDay: ([date, timeZone], options) => {
    if (date instanceof Placeholder) return `on ${date}`;
    return date instanceof Date ? describeDay(date, root(options).now, zoneOr(timeZone, options)) : date;
  },
  /** `{{replySubject thread.subject}}` → "Re: <subject>" with exactly one "Re: ". */
  replySubject: ([subject]) => (typeof subject === 'string' ? toReplySubject(subject) : subject),
  /** `{{#if (eq followUpNumber 1)}}`. */
  eq: ([a, b]) => a === b,
};

/** Names for the compiler, so an unknown helper in a template is a compile error with a line. */
export const KNOWN_HELPERS: Readonly<Record<string, true>> = Object.fromEntries(
  Object.keys(HELPERS).map((name) => [name, true] as const),
);

export function registerDraftHelpers(env: HandlebarsEnv): void {
  for (const [name, helper] of Object.entries(HELPERS)) {
    env.registerHelper(name, (...args: unknown[]) => {
      const options = args.pop() as Handlebars.HelperOptions;
      return helper(args, options);
    });
  }
}

function root(options: Handlebars.HelperOptions): DraftView {
  return (options.data as { root: DraftView }).root;
}

function zoneOr(timeZone: unknown, options: Handlebars.HelperOptions): string {
  return typeof timeZone === 'string' && timeZone ? timeZone : root(options).timeZone;
}

function styleOf(options: Handlebars.HelperOptions): DateStyle {
  const style: unknown = options.hash['style'] ?? 'date';
  if (style === 'date' || style === 'weekday' || style === 'full' || style === 'time') return style;
  throw new Error(`formatDate: style must be "date", "weekday", "full" or "time", not "${String(style)}"`);
}
