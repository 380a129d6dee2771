import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { approveDraft, editDraft, rejectDraft, snoozeDraft, type ApprovalDeps, type ApproveOptions } from '../approval/approval-actions.ts';
import { fillDraft, type FillValues } from '../approval/fill-draft.ts';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { countOpenDrafts, findDraftDetail, listDraftQueue } from '../store/approval-queries.ts';
import type { Database } from '../store/database.ts';
import { rendererForConfig, PLACEHOLDER_LABELS } from '../templates/index.ts';
import { formOf, type FormFields } from './form-body.ts';
import { parseLocalTime } from './local-time.ts';
import { requirePlaceholdersFilled } from './unfilled-placeholders.ts';
import { draftView, SNOOZE_HOURS } from './views/draft-view.ts';
import { draftsView, QUEUE_FILTERS, type QueueFilter } from './views/drafts-view.ts';
import type { SafeHtml } from './views/html.ts';
import { layout, type PageFrame } from './views/layout.ts';

export interface ApprovalRouteDeps {
  config: Config;
  db: Database;
  now: () => Date;
  /** Queues an approved draft's delivery; without it this server cannot approve. */
  scheduleDelivery?: ApprovalDeps['scheduleDelivery'];
}

const NOTICES: Record<string, string> = {
  saved: 'Saved.',
  approved: 'Approved.',
  rejected: 'Rejected: nothing will be sent.',
  snoozed: 'Snoozed: it comes back to the queue when the time is up.',
  filled: 'Filled in: read it over, then approve it.',
  filled_partly: 'Filled in; it still needs what is named below.',
  drafted: 'Drafted: read it over, then approve it.',
  drafted_needs: 'Drafted: fill in what it needs below, then approve it.',
  exists: 'There is a first request to them already: here it is.',
};

/** The notice for a `?done=` code; anything else shows none. */
function noticeFor(code: string | undefined): string | null {
  return code && Object.hasOwn(NOTICES, code) ? NOTICES[code]! : null;
}

type DraftRequest = FastifyRequest<{ Params: { id: string }; Querystring: { done?: string } }>;

/** The queue of drafts and what the user does with each: fill in, edit, approve, reject, snooze. */
export function registerApprovalRoutes(scope: FastifyInstance, deps: ApprovalRouteDeps): void {
  const timeZone = deps.config.user.timeZone;
  const renderer = rendererForConfig(deps.config);
  const actions = (): ApprovalDeps => ({
    db: deps.db,
    now: deps.now,
    scheduleDelivery: deps.scheduleDelivery ?? (() => Promise.reject(new Error('no delivery'))),
  });

  /** A page of the signed-in site: the frame with the count of waiting drafts. */
  const render = async (request: FastifyRequest, reply: FastifyReply, frame: Omit<PageFrame, 'csrfToken' | 'openCount'>, content: SafeHtml, status = 200) => {
    const openCount = await countOpenDrafts(deps.db, deps.now());
    return reply.code(status).type('text/html; charset=utf-8')
      .send(layout({ ...frame, csrfToken: request.webSession!.csrfToken, openCount }, content));
  };

  const showDraft = async (
    request: DraftRequest,
    reply: FastifyReply,
    extra: { error?: string; status?: number; typed?: { subject: string; body: string }; typedFill?: Record<string, string> } = {},
  ) => {
    const detail = await findDraftDetail(deps.db, draftId(request.params.id));
    if (!detail) throw new NotFoundError('draft', request.params.id);
    const content = draftView(detail, {
      csrfToken: request.webSession!.csrfToken, now: deps.now(), timeZone, typed: extra.typed, typedFill: extra.typedFill,
    });
    return render(request, reply, {
      title: detail.draft.subject || `Draft ${detail.draft.id}`, section: 'drafts',
      notice: noticeFor(request.query.done), error: extra.error ?? null,
    }, content, extra.status);
  };

  /** Runs a draft action; a refusal (wrong state, empty subject) shows the draft again with why. */
  const act = (name: string, run: (id: number, form: FormFields) => Promise<string>) =>
    scope.post<{ Params: { id: string }; Querystring: { done?: string } }>(`/drafts/:id/${name}`, async (request, reply) => {
      const id = draftId(request.params.id);
      const form = formOf(request.body);
      try {
        return reply.redirect(await run(id, form), 303);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        const typed = name === 'edit' ? { subject: form.subject ?? '', body: form.body ?? '' } : undefined;
        const typedFill = name === 'fill' ? fillFieldsOf(form) : undefined;
        return showDraft(request, reply, { error: err.message, status: 400, typed, typedFill });
      }
    });

  scope.get('/', async (_request, reply) => reply.redirect('/drafts', 303));

  scope.get<{ Querystring: { show?: string; done?: string } }>('/drafts', async (request, reply) => {
    const show = request.query.show;
    const filter: QueueFilter = show && Object.hasOwn(QUEUE_FILTERS, show) ? show as QueueFilter : 'open';
    const now = deps.now();
    const items = await listDraftQueue(deps.db, { statuses: QUEUE_FILTERS[filter].statuses, now, includeSnoozed: filter === 'snoozed' });
    const shown = filter === 'snoozed' ? items.filter((i) => i.isSnoozed) : items;
    return render(request, reply, { title: 'Drafts', section: 'drafts', notice: noticeFor(request.query.done) },
      draftsView(shown, filter, now, timeZone));
  });

  scope.get<{ Params: { id: string }; Querystring: { done?: string } }>('/drafts/:id', (request, reply) => showDraft(request, reply));

  act('edit', async (id, form) => {
    // Browsers send a textarea's line breaks as CRLF; the draft keeps plain newlines.
    const edit = { subject: form.subject ?? '', body: (form.body ?? '').replace(/\r\n?/g, '\n') };
    const draft = await findDraftDetail(deps.db, id);
    if (draft) requirePlaceholdersFilled(draft.draft, edit);
    await editDraft(actions(), id, edit);
    return `/drafts/${id}?done=saved`;
  });

  // What a draft waited for, typed into its fill-in form: rendered again from its template.
  act('fill', async (id, form) => {
    const filled = await fillDraft({ db: deps.db, renderer }, id, fillValues(fillFieldsOf(form), timeZone));
    return `/drafts/${id}?done=${filled.status === 'pending' ? 'filled' : 'filled_partly'}`;
  });

  act('approve', async (id, form) => {
    if (!deps.scheduleDelivery) {
      throw new InvalidInputError(`This rapport server does not deliver mail, so nothing was approved. Approve it with \`rapport approve ${id}\`, or from the page of \`rapport start\`.`);
    }
    await approveDraft(actions(), id, approveOptions(form, timeZone));
    return `/drafts/${id}?done=approved`;
  });

  act('reject', async (id) => {
    await rejectDraft(actions(), id);
    return `/drafts/${id}?done=rejected`;
  });

  act('snooze', async (id, form) => {
    const hours = Number(form.hours);
    if (!(SNOOZE_HOURS as readonly number[]).includes(hours)) throw new InvalidInputError(`Choose how long to snooze: ${SNOOZE_HOURS.join(', ')} hours.`);
    await snoozeDraft(actions(), id, new Date(deps.now().getTime() + hours * 3_600_000));
    return '/drafts?done=snoozed';
  });
}

/** The approve form's choice: send now, send at a time (the user's zone), or to the mailbox. */
function approveOptions(form: FormFields, timeZone: string): ApproveOptions {
  if (form.mode === 'mailbox') return { mode: 'mailbox' };
  if (form.mode === 'at') {
    const at = parseLocalTime(form.at ?? '', timeZone);
    if (!at) throw new InvalidInputError(`Give the time to send as a date and time (${timeZone}).`);
    return { mode: 'send', at };
  }
  return { mode: 'send', at: null };
}

/** The fill-in form's fields: one per merge field a draft may lack, named by its path. */
function fillFieldsOf(form: FormFields): Record<string, string> {
  const typed: Record<string, string> = {};
  for (const path of Object.keys(PLACEHOLDER_LABELS)) {
    const value = form[path];
    if (typeof value === 'string') typed[path] = value.replace(/\r\n?/g, '\n');
  }
  return typed;
}

/** The typed fields as a draft takes them: the meeting's start as a time in the user's zone. */
function fillValues(typed: Record<string, string>, timeZone: string): FillValues {
  const { 'meeting.start': start, ...words } = typed;
  const values: FillValues = { ...words };
  if (start?.trim()) {
    const at = parseLocalTime(start, timeZone);
    if (!at) throw new InvalidInputError(`Give when you met as a date and time (${timeZone}).`);
    values['meeting.start'] = at;
  }
  return values;
}

/** A draft id from the path; anything else is a draft that does not exist. */
export function draftId(param: string): number {
  const id = /^\d{1,9}$/.test(param) ? Number(param) : NaN;
  if (!Number.isSafeInteger(id)) throw new NotFoundError('draft', param);
  return id;
}
