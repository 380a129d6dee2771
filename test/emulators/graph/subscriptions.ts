/**
 * Change notifications (C.6): subscriptions with the validation handshake (the
 * `validationToken` echoed as text/plain within the timeout, for the notification and the
 * lifecycle URL), renewal, deletion and expiry on the emulator clock; change notifications
 * with `clientState`, retried on non-2xx or slow replies; lifecycle events on demand.
 */
import type { EmulatorClock } from '../google/clock.ts';
import { badRequest, GraphApiError, itemNotFound } from './errors.ts';
import { empty, json, jsonBody, wantsImmutableIds } from './http.ts';
import { route, type GraphRoute } from './router.ts';

export interface Subscription {
  id: string;
  user: string;
  resource: string;
  /** 'messages' (any folder), 'folder:<key>' or 'events'. */
  target: string;
  changeTypes: Set<string>;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationMs: number;
  immutableIds: boolean;
  cancelExpiry: () => void;
}

export interface SubscriptionDeps {
  clock: EmulatorClock;
  tenantId: string;
  objectIdOf: (email: string) => string;
  /** The folder key a folder id or name resolves to (throws 404). */
  folderKey: (email: string, folder: string) => string;
  maxMinutes: number;
  validationTimeoutMs: number;
  notificationTimeoutMs: number;
}

const RETRY_LIMIT_MS = 4 * 3600_000;

export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();
  private readonly inFlight = new Set<AbortController>();
  private readonly cancels = new Set<() => void>();
  private counter = 0;
  private closed = false;

  constructor(private readonly deps: SubscriptionDeps) {}

  routes(): GraphRoute[] {
    return [
      route('POST', '/subscriptions', (ctx) => this.create(ctx.user, jsonBody(ctx.req), wantsImmutableIds(ctx.req))),
      route('GET', '/subscriptions', (ctx) => json({ value: this.of(ctx.user).map((s) => this.json(s)) })),
      route('GET', '/subscriptions/(?<id>[^/]+)', (ctx) => json(this.json(this.get(ctx.user, ctx.params['id'] ?? '')))),
      route('PATCH', '/subscriptions/(?<id>[^/]+)', (ctx) => {
        const sub = this.get(ctx.user, ctx.params['id'] ?? '');
        const expiration = jsonBody(ctx.req)['expirationDateTime'];
        if (typeof expiration === 'string') this.setExpiry(sub, this.checkExpiry(expiration));
        return json(this.json(sub));
      }),
      route('DELETE', '/subscriptions/(?<id>[^/]+)', (ctx) => {
        this.remove(this.get(ctx.user, ctx.params['id'] ?? ''));
        return empty(204);
      }),
      route('POST', '/subscriptions/(?<id>[^/]+)/reauthorize', (ctx) => {
        this.get(ctx.user, ctx.params['id'] ?? '');
        return empty(200);
      }),
    ];
  }

  of(user: string): Subscription[] {
    return [...this.byId.values()].filter((s) => s.user === user);
  }

  /** Notifies the user's subscriptions that cover a change of a message in `folder` or an event. */
  onChange(user: string, kind: 'message' | 'event', change: string, ids: { id: string; immutableId: string }, folder?: string): void {
    for (const sub of this.of(user)) {
      const covers = kind === 'event' ? sub.target === 'events' : sub.target === 'messages' || sub.target === `folder:${folder ?? ''}`;
      if (covers && sub.changeTypes.has(change)) void this.send(sub.notificationUrl, { value: [this.notification(sub, change, sub.immutableIds ? ids.immutableId : ids.id)] }, 0);
    }
  }

  /** A notification per mail subscription now, `duplicate` extra copies, optionally with a forged clientState. */
  async notifyNow(user: string, ids: { id: string; immutableId: string } | null, opts: { duplicate?: number; clientState?: string }): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const sub of this.of(user).filter((s) => s.target !== 'events')) {
      const item = this.notification(sub, 'updated', ids ? (sub.immutableIds ? ids.immutableId : ids.id) : 'AAMkAGEmuNone');
      if (opts.clientState !== undefined) item['clientState'] = opts.clientState;
      for (let i = 0; i <= (opts.duplicate ?? 0); i++) sends.push(this.send(sub.notificationUrl, { value: [item] }, 0));
    }
    await Promise.all(sends);
  }

  async fireLifecycle(user: string, event: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired'): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const sub of this.of(user)) {
      const url = sub.lifecycleNotificationUrl ?? sub.notificationUrl;
      sends.push(this.send(url, { value: [{ ...this.base(sub), lifecycleEvent: event }] }, 0));
      if (event === 'subscriptionRemoved') this.remove(sub);
    }
    await Promise.all(sends);
  }

  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
    for (const cancel of this.cancels) cancel();
    for (const sub of this.byId.values()) sub.cancelExpiry();
  }

  private async create(user: string, body: Record<string, unknown>, immutableIds: boolean) {
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : null);
    const notificationUrl = text('notificationUrl');
    const resource = text('resource');
    const changeType = text('changeType');
    const expiration = text('expirationDateTime');
    if (!notificationUrl || !resource || !changeType || !expiration) {
      throw badRequest('changeType, notificationUrl, resource and expirationDateTime are required.', 'InvalidRequest');
    }
    const clientState = text('clientState');
    if (clientState !== null && clientState.length > 128) throw badRequest('clientState must be at most 128 characters.', 'InvalidRequest');
    const changeTypes = new Set(changeType.split(',').map((c) => c.trim()));
    if ([...changeTypes].some((c) => !['created', 'updated', 'deleted'].includes(c))) throw badRequest(`Invalid changeType '${changeType}'.`, 'InvalidRequest');
    const target = this.targetOf(user, resource);
    const expirationMs = this.checkExpiry(expiration);
    const lifecycleNotificationUrl = text('lifecycleNotificationUrl');
    for (const url of [notificationUrl, lifecycleNotificationUrl]) if (url) await this.validate(url);
    const id = this.newId();
    const sub: Subscription = { id, user, resource, target, changeTypes, notificationUrl, lifecycleNotificationUrl, clientState, expirationMs, immutableIds, cancelExpiry: () => undefined };
    this.byId.set(id, sub);
    this.setExpiry(sub, expirationMs);
    return json(this.json(sub), 201);
  }

  private targetOf(user: string, resource: string): string {
    const path = resource.replace(/^\/+/, '').replace(/\('([^']*)'\)/g, '/$1').replace(/^users\/[^/]+\//i, 'me/');
    if (/^me\/messages$/i.test(path)) return 'messages';
    if (/^me\/events$/i.test(path)) return 'events';
    const m = /^me\/mailfolders\/([^/]+)\/messages$/i.exec(path);
    if (m) return `folder:${this.deps.folderKey(user, m[1] ?? '')}`;
    throw badRequest(`The resource '${resource}' is not supported by the emulator.`, 'InvalidRequest');
  }

  private checkExpiry(text: string): number {
    const ms = Date.parse(text);
    const now = this.deps.clock.now();
    if (Number.isNaN(ms) || ms <= now) throw badRequest('Subscription expiration must be in the future.', 'InvalidRequest');
    if (ms > now + this.deps.maxMinutes * 60_000 + 60_000) {
      throw badRequest(`Subscription expiration can only be ${this.deps.maxMinutes} minutes in the future.`, 'InvalidRequest');
    }
    return ms;
  }

  private setExpiry(sub: Subscription, ms: number): void {
    sub.cancelExpiry();
    sub.expirationMs = ms;
    sub.cancelExpiry = this.deps.clock.schedule(ms, () => this.byId.delete(sub.id));
  }

  private remove(sub: Subscription): void {
    sub.cancelExpiry();
    this.byId.delete(sub.id);
  }

  private get(user: string, id: string): Subscription {
    const sub = this.byId.get(id);
    if (!sub || sub.user !== user) throw itemNotFound();
    return sub;
  }

  /** The handshake: 200 text/plain with the token, within the timeout, or the create fails. */
  private async validate(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: emu-${this.counter + 1}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    let ok: boolean;
    try {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(this.deps.validationTimeoutMs) });
      const text = await response.text();
      ok = response.status === 200 && text === token && /^text\/plain/i.test(response.headers.get('content-type') ?? '');
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new GraphApiError(400, 'ValidationError', `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (${url})`);
    }
  }

  private base(sub: Subscription): Record<string, unknown> {
    return { subscriptionId: sub.id, subscriptionExpirationDateTime: new Date(sub.expirationMs).toISOString(), tenantId: this.deps.tenantId, clientState: sub.clientState };
  }

  private notification(sub: Subscription, change: string, id: string): Record<string, unknown> {
    const kind = sub.target === 'events' ? 'Events' : 'Messages';
    const resource = `Users/${this.deps.objectIdOf(sub.user)}/${kind}/${id}`;
    return {
      ...this.base(sub), changeType: change, resource,
      resourceData: { '@odata.type': `#Microsoft.Graph.${kind === 'Events' ? 'Event' : 'Message'}`, '@odata.id': resource, '@odata.etag': 'W/"CQAAABYAAAEmu"', id },
    };
  }

  /** POSTs a notification; a non-2xx or slow reply is retried with backoff for up to 4 h of emulator clock. */
  private async send(url: string, body: unknown, attempt: number, firstMs = this.deps.clock.now()): Promise<void> {
    if (this.closed) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.deps.notificationTimeoutMs);
    let ok: boolean;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal });
      await response.arrayBuffer();
      ok = response.status >= 200 && response.status < 300;
    } catch {
      ok = false;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    const retryAt = this.deps.clock.now() + Math.min(3600_000, 10_000 * 2 ** attempt);
    if (ok || this.closed || retryAt - firstMs > RETRY_LIMIT_MS) return;
    const cancel = this.deps.clock.schedule(retryAt, () => {
      this.cancels.delete(cancel);
      void this.send(url, body, attempt + 1, firstMs);
    });
    this.cancels.add(cancel);
  }

  private json(sub: Subscription): Record<string, unknown> {
    return {
      id: sub.id, resource: sub.resource, applicationId: 'rapport-test', changeType: [...sub.changeTypes].join(','), clientState: sub.clientState,
      notificationUrl: sub.notificationUrl, lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
      expirationDateTime: new Date(sub.expirationMs).toISOString(), creatorId: this.deps.objectIdOf(sub.user), latestSupportedTlsVersion: 'v1_2',
      notificationContentType: 'application/json',
    };
  }

  private newId(): string {
    this.counter += 1;
    const hex = this.counter.toString(16).padStart(12, '0');
    return `7f105c7d-2dc5-4530-97cd-${hex}`;
  }
}
