import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildMeetingBrief } from '../approval/meeting-brief.ts';
import type { Config } from '../config/load-config.ts';
import {
  countOpenDrafts, listUpcomingMeetings, loadMeetingThread, loadPersonFacts,
  type PersonFacts, type UpcomingMeeting,
} from '../store/approval-queries.ts';
import type { Database } from '../store/database.ts';
import type { SafeHtml } from './views/html.ts';
import { layout, type PageFrame } from './views/layout.ts';
import { meetingsView } from './views/meetings-view.ts';

/** How far ahead the meetings page looks. */
const MEETING_HORIZON_DAYS = 14;
/** People briefed per meeting: a group meeting's brief stays short. */
const MAX_PEOPLE_PER_BRIEF = 3;

export interface OverviewDeps {
  config: Config;
  db: Database;
  now: () => Date;
}

/** Upcoming meetings with their briefs. */
export function registerOverviewRoutes(scope: FastifyInstance, deps: OverviewDeps): void {
  const timeZone = deps.config.user.timeZone;
  const render = pageRenderer(deps);

  scope.get('/meetings', async (request, reply) => {
    const now = deps.now();
    const meetings = await listUpcomingMeetings(deps.db, now, MEETING_HORIZON_DAYS);
    const briefed = [];
    for (const meeting of meetings) briefed.push({ meeting, brief: await briefFor(deps, meeting, now) });
    return render(request, reply, { title: 'Upcoming meetings', section: 'meetings' }, meetingsView(briefed, MEETING_HORIZON_DAYS, timeZone));
  });
}

/** Sends a signed-in page: the frame (with the count of waiting drafts) around `content`. */
export function pageRenderer(deps: OverviewDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, frame: Pick<PageFrame, 'title' | 'section' | 'notice' | 'error'>, content: SafeHtml, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(layout({
      ...frame, csrfToken: request.webSession!.csrfToken, openCount: await countOpenDrafts(deps.db, deps.now()),
    }, content));
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
