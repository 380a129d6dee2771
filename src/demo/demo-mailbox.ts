/**
 * A few weeks of a student's networking, written for the demo, dated relative to `now`,
 * in two mailboxes: the university's Gmail (outreach requests, replies, scheduling, a
 * coffee that ended an hour ago, a request unanswered for twelve days, which is eight to
 * ten business days whatever the weekday, so its follow-up is always due, a referral,
 * ordinary mail) and a personal Outlook one (a request to an alumna, her reply
 * with a referral, a call on the calendar in a few days, ordinary mail).
 * Pure: it builds raw messages and calendar events; the demo puts them in emulators.
 */

export const DEMO_USER = { address: 'sam.student@university.example', name: 'Sam Student' };
export const DEMO_OUTLOOK_USER = { address: 'sam.student@outlook.example', name: 'Sam Student' };

export interface DemoMessage {
  /** RFC 5322 text. */
  raw: string;
  /** Where it sits in the mailbox: sent by the user, or received. */
  box: 'sent' | 'inbox';
  date: Date;
}

export interface DemoEvent {
  summary: string;
  start: Date;
  end: Date;
  attendees: { address: string; name: string }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Letter {
  from: { address: string; name: string };
  to: { address: string; name: string };
  subject: string;
  ago: number;
  id: string;
  replyTo?: string;
  body: string;
  list?: boolean;
}

const ME = DEMO_USER;
const PRIYA = { address: 'priya.natarajan@helio-energy.example', name: 'Priya Natarajan' };
const MARCUS = { address: 'marcus.webb@northbank.example', name: 'Marcus Webb' };
const TOM = { address: 'tom.okafor@university.example', name: 'Tom Okafor' };
const NEWS = { address: 'news@careers.university.example', name: 'Career Centre' };
const ME_OUTLOOK = DEMO_OUTLOOK_USER;
const DANA = { address: 'dana.lee@ridgeline-consulting.example', name: 'Dana Lee' };
const JORDAN = { address: 'jordan.price@outlook.example', name: 'Jordan Price' };
const SHOP = { address: 'orders@shop.example', name: 'Shop Orders' };

/** The demo's mail, oldest first. */
export function demoMessages(now: Date): DemoMessage[] {
  const letters: Letter[] = [
    {
      from: ME, to: PRIYA, subject: 'Informational interview request', ago: 16 * DAY, id: 'demo-priya-1',
      body: `Dear Ms. Natarajan,\n\nI am a master's student in energy systems at the university, and Professor Okafor suggested I contact you. I am exploring careers in grid analytics and would be grateful for 20 to 30 minutes of your time for an informational interview about your work at Helio Energy. I am not asking for a job, only for your advice.\n\nBest regards,\nSam Student\n`,
    },
    {
      from: PRIYA, to: ME, subject: 'Re: Informational interview request', ago: 14 * DAY, id: 'demo-priya-2', replyTo: 'demo-priya-1',
      body: `Hi Sam,\n\nHappy to chat. Would coffee work for you? I am free most afternoons next week.\n\nPriya\n`,
    },
    {
      from: ME, to: PRIYA, subject: 'Re: Informational interview request', ago: 13 * DAY, id: 'demo-priya-3', replyTo: 'demo-priya-2',
      body: `Hi Priya,\n\nThank you! Would Thursday at 3pm at the Riverside Cafe suit you?\n\nBest,\nSam\n`,
    },
    {
      from: PRIYA, to: ME, subject: 'Re: Informational interview request', ago: 12 * DAY, id: 'demo-priya-4', replyTo: 'demo-priya-3',
      body: `Thursday at 3pm works. See you there.\n\nBy the way, you should also talk to my colleague Elena Garcia (elena.garcia@helio-energy.example), who leads our forecasting team.\n\nPriya\n`,
    },
    {
      from: ME, to: MARCUS, subject: 'Request for a short conversation about energy trading', ago: 12 * DAY, id: 'demo-marcus-1',
      body: `Dear Mr. Webb,\n\nI am a master's student in energy systems and found your name through the alumni directory. I am exploring careers in energy trading and would be grateful for 20 minutes of your time for a short conversation about your path to Northbank. I am not looking for a job, only for your perspective.\n\nWith thanks,\nSam Student\n`,
    },
    {
      from: TOM, to: ME, subject: 'Thesis meeting notes', ago: 9 * DAY, id: 'demo-tom-1',
      body: `Sam,\n\nAttached are the notes from today. Please send the revised chapter outline by Friday.\n\nTom\n`,
    },
    {
      from: NEWS, to: ME, subject: 'This week at the Career Centre', ago: 3 * DAY, id: 'demo-news-1', list: true,
      body: `Workshops this week: CV clinic, mock interviews, and the energy industry panel.\n`,
    },
  ];
  return lettersOf(letters, ME, now);
}

/** When the demo's call with Dana starts: the first weekday at least two days from now, at 15:00 UTC. */
function danaCallStart(now: Date): Date {
  const start = new Date(now.getTime() + 2 * DAY);
  while (start.getUTCDay() === 0 || start.getUTCDay() === 6) start.setTime(start.getTime() + DAY);
  start.setUTCHours(15, 0, 0, 0);
  return start;
}

/** The personal Outlook mailbox's mail, oldest first. */
export function demoOutlookMessages(now: Date): DemoMessage[] {
  const day = danaCallStart(now).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  const letters: Letter[] = [
    {
      from: ME_OUTLOOK, to: DANA, subject: 'Fellow alum: advice on energy consulting', ago: 10 * DAY, id: 'demo-dana-1',
      body: `Dear Ms. Lee,

I found your profile in the alumni network and saw that you moved from grid engineering into consulting at Ridgeline. I am a master's student in energy systems exploring that path, and would be grateful for 20 to 30 minutes of your time to hear how you made the move and what the work is like. I am not asking about openings, only for your advice.

Kind regards,
Sam Student
`,
    },
    {
      from: DANA, to: ME_OUTLOOK, subject: 'Re: Fellow alum: advice on energy consulting', ago: 9 * DAY, id: 'demo-dana-2', replyTo: 'demo-dana-1',
      body: `Hi Sam,

Always happy to help a fellow alum. How about a call on ${day} at 3pm UK time? I will send you an invitation.

You may also want to talk to my former manager, Omar Haddad (omar.haddad@gridworks.example); he hires analysts from your programme.

Best,
Dana
`,
    },
    {
      from: ME_OUTLOOK, to: DANA, subject: 'Re: Fellow alum: advice on energy consulting', ago: 9 * DAY - 2 * HOUR, id: 'demo-dana-3', replyTo: 'demo-dana-2',
      body: `Hi Dana,

${day} at 3pm is perfect; I have accepted the invitation. Thank you also for the suggestion of Omar.

Best,
Sam
`,
    },
    {
      from: JORDAN, to: ME_OUTLOOK, subject: 'Dinner on Saturday?', ago: 4 * DAY, id: 'demo-jordan-1',
      body: `Hey Sam,

A few of us are getting dinner on Saturday around 7. Want to come?

Jordan
`,
    },
    {
      from: SHOP, to: ME_OUTLOOK, subject: 'Your order has shipped', ago: 2 * DAY, id: 'demo-shop-1', list: true,
      body: `Your order of one desk lamp has shipped and should arrive on Thursday.
`,
    },
  ];
  return lettersOf(letters, ME_OUTLOOK, now);
}

/** The personal Outlook calendar: the call with Dana in two or more days. */
export function demoOutlookEvents(now: Date): DemoEvent[] {
  const start = danaCallStart(now);
  return [{ summary: 'Call: Dana Lee / Sam Student', start, end: new Date(start.getTime() + HOUR / 2), attendees: [DANA, ME_OUTLOOK] }];
}

function lettersOf(letters: Letter[], me: { address: string }, now: Date): DemoMessage[] {
  return letters.map((l) => {
    const date = new Date(now.getTime() - l.ago);
    return { raw: rawOf(l, date), box: l.from.address === me.address ? 'sent' : 'inbox', date };
  });
}

/** The demo's calendar: the coffee with Priya, which ended an hour ago. */
export function demoEvents(now: Date): DemoEvent[] {
  return [
    {
      summary: 'Coffee with Priya Natarajan',
      start: new Date(now.getTime() - 2 * HOUR),
      end: new Date(now.getTime() - HOUR),
      attendees: [PRIYA, ME],
    },
  ];
}

function rawOf(l: Letter, date: Date): string {
  const person = (p: { address: string; name: string }) => `${p.name} <${p.address}>`;
  return [
    `From: ${person(l.from)}`,
    `To: ${person(l.to)}`,
    `Subject: ${l.subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${l.id}@demo.example>`,
    ...(l.replyTo ? [`In-Reply-To: <${l.replyTo}@demo.example>`, `References: <${l.replyTo}@demo.example>`] : []),
    ...(l.list ? [`List-Id: <${domainOf(l.from)}>`, `List-Unsubscribe: <mailto:leave@${domainOf(l.from)}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    l.body.replace(/\n/g, '\r\n'),
  ].join('\r\n');
}

const domainOf = (p: { address: string }) => p.address.slice(p.address.indexOf('@') + 1);
