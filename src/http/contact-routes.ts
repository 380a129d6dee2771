import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redraftRenamedContact } from '../approval/redraft-renamed.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { findContactPage } from '../store/approval-queries.ts';
import { EXPORT_FILES, EXPORT_FORMATS, exportContacts, loadContactLog } from '../store/contact-export.ts';
import { mergeContacts } from '../store/contact-merge.ts';
import { findContact, listContactPage } from '../store/contact-queries.ts';
import { duplicatesOf, listDuplicateGroups, markDistinct } from '../store/possible-duplicates.ts';
import { checkedDetails, nameFromMail, setContactDetails } from '../store/contact-details.ts';
import { addNote, checkedNote } from '../store/note-repository.ts';
import { setNurture } from '../store/planner-contact-queries.ts';
import { rendererForConfig } from '../templates/index.ts';
import { draftFirstRequest } from '../workers/planner-first-request.ts';
import { formOf } from './form-body.ts';
import { parseLocalTime } from './local-time.ts';
import { pageRenderer, type OverviewDeps } from './overview-routes.ts';
import { contactView, type ContactForms } from './views/contact-view.ts';
import { contactsView } from './views/contacts-view.ts';
import { duplicatesView } from './views/duplicates-view.ts';

/** Contacts per page of the contact list. */
const CONTACTS_PER_PAGE = 100;

/**
 * The contact list and its downloads, the contacts that may be one person, and a
 * contact's page with its notes, keep-in-touch switch and merging.
 */
export function registerContactRoutes(scope: FastifyInstance, deps: OverviewDeps): void {
  const timeZone = deps.config.user.timeZone;
  const render = pageRenderer(deps);
  const renderer = rendererForConfig(deps.config);

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

  // Static, so it wins over `/contacts/:id` too.
  scope.get<{ Querystring: { done?: string } }>('/contacts/duplicates', async (request, reply) =>
    render(request, reply, { title: 'Possible duplicates', section: 'contacts', notice: noticeFor(request.query.done) },
      duplicatesView(await listDuplicateGroups(deps.db), request.webSession!.csrfToken)));

  const showContact = async (request: FastifyRequest, reply: FastifyReply, param: string, extra: { notice?: string | null; error?: string; typed?: ContactForms['typed'] } = {}) => {
    const page = await findContactPage(deps.db, contactId(param));
    if (!page) throw new NotFoundError('contact', param);
    // A fresh key per form shown: the same form sent twice adds its note once.
    const form: ContactForms = {
      csrfToken: request.webSession!.csrfToken, key: randomUUID(), typed: extra.typed, checkInDays: deps.config.drafts.checkInDays,
      mailName: await nameFromMail(deps.db, page.contact.id),
    };
    return render(request, reply, {
      title: page.contact.name ?? 'Contact', section: 'contacts', notice: extra.notice ?? null, error: extra.error ?? null,
    }, contactView(page, deps.now(), timeZone, form, await duplicatesOf(deps.db, page.contact.id)), extra.error ? 400 : 200);
  };

  scope.get<{ Params: { id: string }; Querystring: { done?: string } }>('/contacts/:id', (request, reply) =>
    showContact(request, reply, request.params.id, { notice: noticeFor(request.query.done) }));

  scope.post<{ Params: { id: string } }>('/contacts/:id/nurture', async (request, reply) => {
    const id = contactId(request.params.id);
    if (!(await findContactPage(deps.db, id))) throw new NotFoundError('contact', request.params.id);
    const on = formOf(request.body).on === '1';
    await setNurture(deps.db, id, on);
    return reply.redirect(`/contacts/${id}?done=${on ? 'nurtured' : 'unnurtured'}`, 303);
  });

  // The same person under another contact joins this one. Sent twice, the other now
  // resolves to this contact: nothing more to do.
  scope.post<{ Params: { id: string } }>('/contacts/:id/merge', async (request, reply) => {
    const id = contactId(request.params.id);
    if (!(await findContactPage(deps.db, id))) throw new NotFoundError('contact', request.params.id);
    const form = formOf(request.body);
    const other = (form.other ?? '').trim();
    try {
      if (!other) throw new InvalidInputError('Give the address, id or name of the other contact.');
      const found = await findContact(deps.db, other);
      if (found.id !== id) await mergeContacts(deps.db, id, found.id);
      return reply.redirect(backTo(form.back, id, 'merged'), 303);
    } catch (err) {
      if (err instanceof NotFoundError) return showContact(request, reply, request.params.id, { error: `No contact matches “${other}”: give one of their addresses, or their id from the contact list.` });
      if (!(err instanceof InvalidInputError)) throw err;
      return showContact(request, reply, request.params.id, { error: err.message });
    }
  });

  // The name, title and source the user corrects. The name and source fields come filled
  // in: sent back as they came, they go on following the mail and what ingest noted.
  scope.post<{ Params: { id: string } }>('/contacts/:id/details', async (request, reply) => {
    const id = contactId(request.params.id);
    const page = await findContactPage(deps.db, id);
    if (!page) throw new NotFoundError('contact', request.params.id);
    const form = formOf(request.body);
    try {
      const details = checkedDetails({ name: form.name ?? '', title: form.title ?? '', source: form.source });
      if (details.name === page.contact.name) delete details.name;
      if (details.source === page.contact.howWeMet) delete details.source;
      await setContactDetails(deps.db, id, details);
      await redraftRenamedContact({ db: deps.db, renderer }, id);
      return reply.redirect(`/contacts/${id}?done=details`, 303);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return showContact(request, reply, request.params.id, { error: err.message });
    }
  });

  // A first request to someone not written to yet; asked twice, the same draft.
  scope.post<{ Params: { id: string } }>('/contacts/:id/request', async (request, reply) => {
    const id = contactId(request.params.id);
    try {
      const { draft, created } = await draftFirstRequest({ config: deps.config, renderer, now: deps.now }, deps.db, id);
      const done = !created ? 'exists' : draft.status === 'needs_input' ? 'drafted_needs' : 'drafted';
      return reply.redirect(`/drafts/${draft.id}?done=${done}`, 303);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return showContact(request, reply, request.params.id, { error: err.message });
    }
  });

  // Two people after all: the pair is no longer suggested. Sent twice, nothing more.
  scope.post<{ Params: { id: string } }>('/contacts/:id/distinct', async (request, reply) => {
    const id = contactId(request.params.id);
    const form = formOf(request.body);
    const other = (form.other ?? '').trim();
    await markDistinct(deps.db, id, contactId(other));
    return reply.redirect(backTo(form.back, id, 'distinct'), 303);
  });

  scope.post<{ Params: { id: string } }>('/contacts/:id/notes', async (request, reply) => {
    const id = contactId(request.params.id);
    const form = formOf(request.body);
    const typed = { text: form.text ?? '', at: form.at ?? '' };
    try {
      if (!(await findContactPage(deps.db, id))) throw new NotFoundError('contact', request.params.id);
      const now = deps.now();
      const at = typed.at.trim() ? parseLocalTime(typed.at, timeZone) : now;
      if (!at) throw new InvalidInputError(`Give when it happened as a date and time (${timeZone}), or leave it empty for now.`);
      await addNote(deps.db, checkedNote({ contactId: id, text: typed.text, at, key: form.key ?? '' }, now));
      return reply.redirect(`/contacts/${id}?done=noted`, 303);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return showContact(request, reply, request.params.id, { error: err.message, typed });
    }
  });
}

const NOTICES: Record<string, string> = {
  noted: 'Note added to the log.',
  nurtured: 'Keeping in touch: rapport will draft a check-in after a quiet spell.',
  unnurtured: 'No more check-ins for this contact.',
  merged: 'One contact now: the other’s addresses and log are here.',
  distinct: 'Two people: rapport will not suggest them as one again.',
  details: 'Saved. New drafts use the name and title shown here. So do the waiting drafts you have not edited.',
};

/** Where a form sent from the contact page or the duplicates page goes back to: only those two. */
function backTo(back: string | undefined, id: number, done: string): string {
  return back === 'duplicates' ? `/contacts/duplicates?done=${done}` : `/contacts/${id}?done=${done}`;
}

/** The notice for a `?done=` code; anything else shows none. */
function noticeFor(code: string | undefined): string | null {
  return code && Object.hasOwn(NOTICES, code) ? NOTICES[code]! : null;
}

/** A contact id from the path; anything else is a contact that does not exist. */
function contactId(param: string): number {
  if (!/^\d{1,9}$/.test(param)) throw new NotFoundError('contact', param);
  return Number(param);
}
