import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildMeetingBrief } from '../approval/meeting-brief.ts';
import type { Config } from '../config/load-config.ts';
import { NotFoundError } from '../core/errors.ts';
import { EXPORT_FILES, EXPORT_FORMATS, exportContacts, loadContactLog } from '../store/contact-export.ts';
import { listContactPage } from '../store/contact-queries.ts';
import {
  countOpenDrafts, findContactPage, listAccountStates, listUpcomingMeetings, loadMeetingThread, loadPersonFacts,
  type PersonFacts, type UpcomingMeeting,
} from '../store/approval-queries.ts';
import type { Database } from '../store/database.ts';
import { accountsView } from './views/accounts-view.ts';
import { contactView } from './views/contact-view.ts';
import { contactsView } from './views/contacts-view.ts';
import type { SafeHtml } from './views/html.ts';
import { layout, type PageFrame } from './views/layout.ts';
import { meetingsView } from './views/meetings-view.ts';

/** Contacts per page of the contact list. */
const CONTACTS_PER_PAGE = 100;
/** How far ahead the meetings page looks. */
const MEETING_HORIZON_DAYS = 14;
/** People briefed per meeting: a group meeting's brief stays short. */
const MAX_PEOPLE_PER_BRIEF = 3;

export interface OverviewDeps {
  config: Config;
  db: Database;
  now: () => Date;
}

/** The contact list and its downloads, a contact's page, upcoming meetings with their briefs, and accounts. */
export function registerOverviewRoutes(scope: FastifyInstance, deps: OverviewDeps): void {
  const timeZone = deps.config.user.timeZone;
  const render = async (request: FastifyRequest, reply: FastifyReply, frame: Pick<PageFrame, 'title' | 'section'>, content: SafeHtml) =>
    reply.type('text/html; charset=utf-8').send(layout({
      ...frame, csrfToken: request.webSession!.csrfToken, openCount: await countOpenDrafts(deps.db, deps.now()),
    }, content));

  scope.get<{ Querystring: { q?: string; from?: string } }>('/contacts', async (request, reply) => {
    const search = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
    const from = typeof request.query.from === 'string' && /^\d{1,9}$/.test(request.query.from) ? Number(request.query.from) : 0;
    const page = await listContactPage(deps.db, { search, limit: CONTACTS_PER_PAGE, offset: from });
    const state = { page, search, offset: from, pageSize: CONTACTS_PER_PAGE };
    return render(request, reply, { title: 'Contacts', section: 'contacts' }, contactsView(state, timeZone));
  });

  // Static paths win over `/contacts/:id` in Fastify's router, whatever the order.
  for (const format of EXPORT_FORMATS) {
    scope.get(`/contacts/export.${format}`, async (_request, reply) => {
      const file = EXPORT_FILES[format];
      return reply.type(file.type).header('content-disposition', `attachment; filename="${file.name}"`)
        .send(exportContacts(format, await loadContactLog(deps.db)));
    });
  }

  scope.get<{ Params: { id: string } }>('/contacts/:id', async (request, reply) => {
    const id = /^\d{1,9}$/.test(request.params.id) ? Number(request.params.id) : null;
    const page = id === null ? null : await findContactPage(deps.db, id);
    if (!page) throw new NotFoundError('contact', request.params.id);
    return render(request, reply, { title: page.contact.name ?? 'Contact', section: 'contacts' }, contactView(page, deps.now(), timeZone));
  });

  scope.get('/meetings', async (request, reply) => {
    const now = deps.now();
    const meetings = await listUpcomingMeetings(deps.db, now, MEETING_HORIZON_DAYS);
    const briefed = [];
    for (const meeting of meetings) briefed.push({ meeting, brief: await briefFor(deps, meeting, now) });
    return render(request, reply, { title: 'Upcoming meetings', section: 'meetings' }, meetingsView(briefed, MEETING_HORIZON_DAYS, timeZone));
  });

  scope.get('/accounts', async (request, reply) =>
    render(request, reply, { title: 'Accounts', section: 'accounts' }, accountsView(await listAccountStates(deps.db), timeZone)));
}

async function briefFor(deps: OverviewDeps, meeting: UpcomingMeeting, now: Date) {
  const people: PersonFacts[] = [];
  for (const a of meeting.attendees.slice(0, MAX_PEOPLE_PER_BRIEF)) {
    const facts = await loadPersonFacts(deps.db, a.contactId);
    if (facts) people.push(facts);
  }
  return buildMeetingBrief({
    meeting: { summary: meeting.summary, startAt: meeting.startAt },
    people,
    thread: await loadMeetingThread(deps.db, meeting),
    field: deps.config.user.field,
    timeZone: deps.config.user.timeZone,
    now,
  });
}
