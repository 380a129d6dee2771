/**
 * Reading mail (C.1, C.2, C.4): `/me`, folders, message lists with `$select`, `$top`,
 * `$filter=receivedDateTime ge|gt|le|lt …` or `internetMessageId eq '…'`, `$orderby`, `$skip` paging, single messages,
 * `$value` (the MIME) and folder delta.
 */
import { badRequest, syncStateNotFound } from './errors.ts';
import type { DeltaTokens, Snapshot } from './delta.ts';
import { json, preferences, wantsImmutableIds, type ApiRequest, type ApiResponse } from './http.ts';
import { folderJson, messageId, messageJson, selectOf, type RenderOptions } from './mail-format.ts';
import type { MailStore, StoredMessage } from './mail-store.ts';
import { route, type GraphContext, type GraphRoute } from './router.ts';

export interface MailReadDeps {
  mailOf: (email: string) => MailStore;
  profileOf: (email: string) => Record<string, unknown>;
  delta: DeltaTokens;
  defaultPageSize: number;
  /** An absolute link (`https://graph.microsoft.com/v1.0` + path and query). */
  link: (pathAndQuery: string) => string;
}

const ID = '(?<id>[^/]+)';
const FOLDER = '(?<folder>[^/]+)';
const MAX_TOP = 1000;

export function mailReadRoutes(deps: MailReadDeps): GraphRoute[] {
  const render = (ctx: GraphContext) => renderOptions(deps.mailOf(ctx.user), ctx.req);
  const get = (ctx: GraphContext) => {
    const mail = deps.mailOf(ctx.user);
    if (ctx.params['folder']) mail.folder(ctx.params['folder']);
    return json(messageJson(mail.get(ctx.params['id'] ?? ''), render(ctx), selectOf(ctx.req.query)));
  };
  return [
    route('GET', '/me', (ctx) => json(deps.profileOf(ctx.user))),
    route('GET', '/me/mailFolders', (ctx) => {
      const mail = deps.mailOf(ctx.user);
      return json({ value: [...mail.folders.values()].map((f) => folderJson(f, counts(mail.inFolder(f.key)))) });
    }),
    route('GET', `/me/mailFolders/${FOLDER}`, (ctx) => {
      const mail = deps.mailOf(ctx.user);
      const folder = mail.folder(ctx.params['folder'] ?? '');
      return json(folderJson(folder, counts(mail.inFolder(folder.key))));
    }),
    route('GET', '/me/messages', (ctx) => list(deps, ctx, deps.mailOf(ctx.user).all())),
    route('GET', `/me/mailFolders/${FOLDER}/messages`, (ctx) => {
      const mail = deps.mailOf(ctx.user);
      return list(deps, ctx, mail.inFolder(mail.folder(ctx.params['folder'] ?? '').key));
    }),
    route('GET', `/me/mailFolders/${FOLDER}/messages/delta`, (ctx) => folderDelta(deps, ctx)),
    route('GET', `/me/messages/${ID}`, get),
    route('GET', `/me/mailFolders/${FOLDER}/messages/${ID}`, get),
    route('GET', `/me/messages/${ID}/\\$value`, (ctx) => {
      const message = deps.mailOf(ctx.user).get(ctx.params['id'] ?? '');
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: message.raw };
    }),
  ];
}

export function renderOptions(mail: MailStore, req: ApiRequest): RenderOptions {
  return {
    immutableIds: wantsImmutableIds(req),
    bodyAsText: (preferences(req).get('outlook.body-content-type') ?? '').toLowerCase() === 'text',
    folderId: (key) => mail.folder(key).id,
  };
}

function counts(messages: StoredMessage[]): { total: number; unread: number } {
  return { total: messages.length, unread: messages.filter((m) => !m.isRead).length };
}

function pageSizeOf(req: ApiRequest, fallback: number): number {
  const preferred = Number(preferences(req).get('odata.maxpagesize') ?? '');
  const top = req.query.get('$top');
  if (top !== null && !(Number.isInteger(Number(top)) && Number(top) > 0)) throw badRequest(`Invalid value '${top}' for $top.`, 'BadRequest');
  const size = top !== null ? Number(top) : Number.isInteger(preferred) && preferred > 0 ? preferred : fallback;
  return Math.min(size, MAX_TOP);
}

/** `receivedDateTime ge 2024-06-01T00:00:00Z` (and gt/le/lt, joined by `and`) as a predicate. */
export function receivedFilter(text: string | null): (receivedMs: number) => boolean {
  if (!text) return () => true;
  const tests = text.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*receivedDateTime\s+(ge|gt|le|lt)\s+(\S+)\s*$/i.exec(clause);
    const at = m ? Date.parse(m[2] ?? '') : Number.NaN;
    if (!m || Number.isNaN(at)) throw badRequest(`The emulator supports only receivedDateTime comparisons in $filter, got '${clause}'.`, 'BadRequest');
    const op = (m[1] ?? '').toLowerCase();
    return (ms: number) => (op === 'ge' ? ms >= at : op === 'gt' ? ms > at : op === 'le' ? ms <= at : ms < at);
  });
  return (ms) => tests.every((t) => t(ms));
}

/**
 * A list's `$filter`: `internetMessageId eq '<id>'` alone (Graph refuses to order such a
 * query, so `$orderby` may not come with it), or receivedDateTime comparisons.
 */
function listFilter(text: string | null, orderBy: string | null): (m: StoredMessage) => boolean {
  const byId = text ? /^\s*internetMessageId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(text) : null;
  if (!byId) {
    const keep = receivedFilter(text);
    return (m) => keep(m.receivedMs);
  }
  if (orderBy) throw badRequest('The restriction or sort order is too complex for this operation.', 'InefficientFilter');
  const wanted = (byId[1] ?? '').replace(/''/g, "'");
  return (m) => m.internetMessageId === wanted;
}

function list(deps: MailReadDeps, ctx: GraphContext, messages: StoredMessage[]): ApiResponse {
  const { query } = ctx.req;
  const keep = listFilter(query.get('$filter'), query.get('$orderby'));
  const orderBy = (query.get('$orderby') ?? 'receivedDateTime desc').trim().toLowerCase();
  if (!/^(receiveddatetime|sentdatetime)( (asc|desc))?$/.test(orderBy)) throw badRequest(`Unsupported $orderby '${orderBy}'.`, 'BadRequest');
  const byField = (m: StoredMessage) => (orderBy.startsWith('sent') ? (m.sentMs ?? 0) : m.receivedMs);
  const sign = orderBy.endsWith('asc') ? 1 : -1;
  const sorted = messages.filter(keep).sort((a, b) => sign * (byField(a) - byField(b)) || a.immutableId.localeCompare(b.immutableId));
  const size = pageSizeOf(ctx.req, deps.defaultPageSize);
  const skip = Number(query.get('$skip') ?? '0') || 0;
  const page = sorted.slice(skip, skip + size);
  const mail = deps.mailOf(ctx.user);
  const body: Record<string, unknown> = { value: page.map((m) => messageJson(m, renderOptions(mail, ctx.req), selectOf(query))) };
  if (skip + size < sorted.length) {
    const next = new URLSearchParams(query);
    next.set('$skip', String(skip + size));
    if (!next.has('$top')) next.set('$top', String(size));
    body['@odata.nextLink'] = deps.link(`${ctx.rawPath}?${queryText(next)}`);
  }
  return json(body);
}

/** URLSearchParams text with `$` left readable, as Graph writes its links. */
export function queryText(params: URLSearchParams): string {
  return params.toString().replace(/%24/g, '$').replace(/%27/g, "'").replace(/%3A/gi, ':');
}

function folderDelta(deps: MailReadDeps, ctx: GraphContext): ApiResponse {
  const mail = deps.mailOf(ctx.user);
  const { query } = ctx.req;
  const token = query.get('$skiptoken') ?? query.get('$deltatoken');
  const snapshotOf = (q: Record<string, unknown>): Snapshot => {
    const keep = receivedFilter((q['filter'] as string | null) ?? null);
    const inFolder = mail.inFolder(String(q['folder'])).filter((m) => keep(m.receivedMs)).sort((a, b) => b.receivedMs - a.receivedMs);
    return new Map(inFolder.map((m) => [m.immutableId, { version: String(m.version), id: m.restId, immutableId: m.immutableId }]));
  };
  let at;
  if (token) {
    const resolved = deps.delta.resolve(token, ctx.user, snapshotOf);
    if (!resolved) throw badRequest('The delta token is invalid.', 'ErrorInvalidDeltaToken');
    if ('expired' in resolved) throw syncStateNotFound(resolved.withLocation ? deps.link(resolved.initialPath) : undefined);
    at = resolved;
  } else {
    const folder = mail.folder(ctx.params['folder'] ?? '');
    const q = { folder: folder.key, filter: query.get('$filter'), select: query.get('$select'), top: query.get('$top') };
    at = deps.delta.initial({ scope: `${ctx.user}|folder:${folder.key}`, user: ctx.user, query: q, initialPath: ctx.rawPath }, snapshotOf(q));
  }
  const q = at.round.query;
  // `$top` of the first request sets the page size of the whole round, unless Prefer says otherwise.
  const size = pageSizeOf(ctx.req, q['top'] ? Number(q['top']) : deps.defaultPageSize);
  const page = deps.delta.page(at, size);
  const opts = renderOptions(mail, ctx.req);
  const select = selectOf(new URLSearchParams(q['select'] ? { $select: String(q['select']) } : {}));
  const removed = (id: string) => ({ '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: 'deleted' } });
  const value = page.changes.map((change) => {
    if (change.removed) return removed(opts.immutableIds ? change.removed.immutableId : change.removed.id);
    const message = mail.find(change.key);
    if (!message || message.folder !== q['folder']) return removed(change.key);
    return { '@odata.type': '#microsoft.graph.message', ...messageJson(message, opts, select), id: messageId(message, opts.immutableIds) };
  });
  const base = `/me/mailFolders('${String(q['folder'])}')/messages/delta`;
  const body: Record<string, unknown> = { value };
  if (page.skipToken) body['@odata.nextLink'] = deps.link(`${base}?$skiptoken=${page.skipToken}`);
  else body['@odata.deltaLink'] = deps.link(`${base}?$deltatoken=${page.deltaToken ?? ''}`);
  return json(body);
}
