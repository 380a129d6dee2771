import type { MeetingBrief } from '../../approval/meeting-brief.ts';
import type { UpcomingMeeting } from '../../store/approval-queries.ts';
import { formatLocalTime } from '../local-time.ts';
import { html, type SafeHtml } from './html.ts';

/** Upcoming meetings, each with the brief to read before it. */
export function meetingsView(meetings: readonly { meeting: UpcomingMeeting; brief: MeetingBrief }[], days: number, timeZone: string): SafeHtml {
  return html`
<h1>Upcoming meetings</h1>
<p class="meta">The next ${days} days, times in ${timeZone}.</p>
${meetings.length === 0 ? html`<p class="meta">No meetings coming up.</p>` : meetings.map(({ meeting, brief }) => meetingCard(meeting, brief, timeZone))}`;
}

function meetingCard(m: UpcomingMeeting, brief: MeetingBrief, timeZone: string): SafeHtml {
  const section = (title: string, lines: string[]) =>
    lines.length ? html`<h4>${title}</h4><ul class="brief">${lines.map((l) => html`<li>${l}</li>`)}</ul>` : '';
  return html`
<article class="card" data-meeting="${m.id}">
  <h3>${m.summary || '(untitled)'}${m.isInformational ? html`<span class="badge">informational interview</span>` : ''}</h3>
  <div class="meta">${formatLocalTime(m.startAt, timeZone)}${m.endAt ? html` – ${formatLocalTime(m.endAt, timeZone).slice(11)}` : ''}${m.location ? html` · ${m.location}` : ''}</div>
  <div class="meta">With ${m.attendees.length === 0 ? 'nobody in your log' : m.attendees.map((a, i) => html`${i > 0 ? ', ' : ''}<a href="/contacts/${a.contactId}">${a.name ?? a.address}</a>`)}</div>
  ${section('Who', brief.people)}
  ${section('History', brief.history)}
  ${section('Company', brief.company)}
  ${section('The thread', brief.thread)}
  ${section('Their open questions', brief.theirQuestions)}
  ${section('Questions to ask', brief.questionsToAsk)}
</article>`;
}
