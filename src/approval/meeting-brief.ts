/**
 * The short brief to read before a networking conversation (step 5 of the method: know
 * the person, the company and the thread so far, and have open-ended questions ready).
 * Pure: the store gathers the facts, this turns them into a few lines of plain text.
 */
import { describeDay, formatDate } from '../templates/date-wording.ts';
import { firstNameOf, joinNames } from '../templates/person-name.ts';

/** One interaction with a person before the meeting. */
export interface BriefInteraction {
  at: Date | null;
  /** `email_sent`, `email_received`, `meeting`, `thank_you_sent`, `note`, `referral`. */
  kind: string;
  summary: string;
}

/** A person the meeting is with, as the log knows them. */
export interface BriefPerson {
  name: string | null;
  address: string;
  title: string | null;
  /** How the user got their name ("the alumni directory", "Suggested by …"). */
  howWeMet: string | null;
  referredBy: string | null;
  company: { name: string; domain: string; status: string; otherContacts: string[] } | null;
  /** Their interactions with the user, oldest first; later ones are ignored. */
  history: BriefInteraction[];
  /** People they suggested the user talk to, and whether the user has been in touch with each since. */
  referralsGiven: { name: string; contacted: boolean }[];
}

export interface BriefThread {
  subject: string;
  messages: { at: Date | null; direction: 'sent' | 'received'; excerpt: string }[];
}

export interface MeetingBriefInput {
  meeting: { summary: string; startAt: Date | null };
  people: BriefPerson[];
  /** The conversation that led to the meeting, when there is one. */
  thread: BriefThread | null;
  /** The field the user is exploring (`config.user.field`), for the questions. */
  field: string;
  timeZone: string;
  now: Date;
}

export interface MeetingBrief {
  /** One line per person: who they are and how the user knows them. */
  people: string[];
  /** What happened with them so far. */
  history: string[];
  company: string[];
  thread: string[];
  /** Questions they asked that came after the user's last message: worth being ready for. */
  theirQuestions: string[];
  /** Open-ended questions worth asking them. */
  questionsToAsk: string[];
}

const MAX_THEIR_QUESTIONS = 3;
/** Characters of the user's last note that a brief quotes. */
const MAX_NOTE_IN_BRIEF = 280;
const MAX_QUESTIONS = 5;

export function buildMeetingBrief(input: MeetingBriefInput): MeetingBrief {
  const before = input.meeting.startAt ?? input.now;
  const people = input.people.map((p) => ({ ...p, history: p.history.filter((h) => !h.at || h.at < before) }));
  return {
    people: people.map(describePerson),
    history: people.flatMap((p) => describeHistory(p, input)),
    company: people.flatMap(describeCompany),
    thread: input.thread ? describeThread(input.thread, input) : [],
    theirQuestions: input.thread ? openQuestions(input.thread) : [],
    questionsToAsk: questionsFor(people, input.field),
  };
}

function nameOf(p: Pick<BriefPerson, 'name' | 'address'>): string {
  return p.name?.trim() || p.address;
}

function describePerson(p: BriefPerson): string {
  const role = [p.title, p.company?.name].filter(Boolean).join(' at ');
  const parts = [role ? `${nameOf(p)}, ${role}` : nameOf(p)];
  if (p.referredBy) parts.push(`referred by ${p.referredBy}`);
  else if (p.howWeMet) parts.push(`you got their name through ${p.howWeMet.replace(/^suggested by/i, 'a suggestion by')}`);
  return `${parts.join('; ')}.`;
}

function describeHistory(p: BriefPerson, input: MeetingBriefInput): string[] {
  const name = nameOf(p);
  const mail = p.history.filter((h) => h.kind.startsWith('email_') || h.kind === 'thank_you_sent');
  const meetings = p.history.filter((h) => h.kind === 'meeting');
  const notes = p.history.filter((h) => h.kind === 'note');
  if (mail.length === 0 && meetings.length === 0 && notes.length === 0) return [`This is your first contact with ${name} in the log.`];
  const first = p.history.find((h) => h.at)?.at;
  const fromThem = mail.filter((h) => h.kind === 'email_received').length;
  const counts = [
    mail.length ? `${plural(mail.length, 'email')} (${fromThem} from them)` : '',
    meetings.length ? `${plural(meetings.length, 'earlier meeting')}` : '',
    notes.length ? plural(notes.length, 'note') : '',
  ].filter(Boolean);
  const lines = [`${name}: ${counts.join(' and ')}${first ? `, since ${calendarDate(first, input)}` : ''}.`];
  const last = meetings.at(-1);
  if (last?.at) lines.push(`You last met ${when(last.at, input)}${last.summary ? ` (${last.summary})` : ''}.`);
  // What the user wrote down last time is what they will want to pick up from.
  const note = notes.at(-1);
  if (note) lines.push(`Your note${note.at ? ` from ${calendarDate(note.at, input)}` : ''}: “${shortened(note.summary, MAX_NOTE_IN_BRIEF)}”`);
  lines.push(...referralLines(name, p.referralsGiven));
  return lines;
}

/**
 * The people they suggested: those the user has since been in touch with are news to
 * report back on; the others are a promise still to keep.
 */
function referralLines(name: string, referrals: BriefPerson['referralsGiven']): string[] {
  const met = referrals.filter((r) => r.contacted).map((r) => r.name);
  const notYet = referrals.filter((r) => !r.contacted).map((r) => r.name);
  const lines: string[] = [];
  if (met.length) lines.push(`${name} suggested you talk to ${joinNames(met)}, and you have been in touch since: tell ${firstNameOf(name) ?? 'them'} how it went.`);
  if (notYet.length) lines.push(`${name} ${met.length ? 'also ' : ''}suggested you talk to ${joinNames(notYet)}, whom you have not contacted yet.`);
  return lines;
}

function describeCompany(p: BriefPerson): string[] {
  const c = p.company;
  if (!c) return [];
  const status = c.status === 'none' ? '' : ` (on your list: ${c.status})`;
  const lines = [`${c.name} (${c.domain})${status}.`];
  if (c.otherContacts.length) lines.push(`You also know ${joinNames(c.otherContacts.slice(0, 5))} there.`);
  return lines;
}

function describeThread(thread: BriefThread, input: MeetingBriefInput): string[] {
  const dated = thread.messages.filter((m) => m.at);
  const firstSent = dated.find((m) => m.direction === 'sent');
  const lastReceived = dated.filter((m) => m.direction === 'received').at(-1);
  const lines = [`“${thread.subject || '(no subject)'}”: ${plural(thread.messages.length, 'message')}.`];
  if (firstSent?.at) lines.push(`You wrote ${when(firstSent.at, input)}.`);
  if (lastReceived?.at) lines.push(`They last wrote ${when(lastReceived.at, input)}: “${lastReceived.excerpt}”`);
  return lines;
}

/** Questions in their messages after the user's last one: not answered yet. */
function openQuestions(thread: BriefThread): string[] {
  const lastSent = thread.messages.findLastIndex((m) => m.direction === 'sent');
  const questions = thread.messages
    .slice(lastSent + 1)
    .filter((m) => m.direction === 'received')
    .flatMap((m) => m.excerpt.match(/[^.!?…\n]*\?/g) ?? [])
    .map((q) => q.replace(/\s+/g, ' ').trim())
    .filter((q) => q.length >= 10 && q.length <= 200);
  return [...new Set(questions)].slice(0, MAX_THEIR_QUESTIONS);
}

function questionsFor(people: BriefPerson[], field: string): string[] {
  const main = people[0];
  const company = main?.company?.name;
  const metBefore = people.some((p) => p.history.some((h) => h.kind === 'meeting'));
  const referred = people.some((p) => p.referralsGiven.length > 0);
  const questions = [
    metBefore ? 'What has changed for you since we last spoke?' : null,
    main?.title
      ? `How did you come to be ${main.title}, and what does a typical week look like?`
      : 'How did you get into your current role, and what does a typical week look like?',
    company ? `What do you enjoy most about working at ${company}, and what is hardest?` : null,
    field.trim() ? `What skills or experience matter most for someone moving into ${field.trim()}?` : null,
    // Further names are how a network grows (step 7 of the method): asked before the rest.
    referred ? null : 'Is there anyone else you think I should talk to?',
    company ? `How do you see the work at ${company} changing over the next few years?` : null,
    'What do you wish you had known when you were starting out?',
  ];
  return questions.filter((q): q is string => q !== null).slice(0, MAX_QUESTIONS);
}

/** "yesterday", "on Tuesday", "on March 4", to follow a verb. */
function when(date: Date, input: MeetingBriefInput): string {
  return describeDay(date, input.now, input.timeZone);
}

/** "March 2", with the year when it is not this year's. */
function calendarDate(date: Date, input: MeetingBriefInput): string {
  const words = describeDay(date, input.now, input.timeZone);
  return /^on \p{L}+ \d/u.test(words) ? words.slice(3) : formatDate(date, input.timeZone);
}

/** `text` on one line, cut at a word with an ellipsis when longer than `max`. */
function shortened(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).trimEnd()}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
