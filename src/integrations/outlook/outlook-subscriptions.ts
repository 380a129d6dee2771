import { randomBytes } from 'node:crypto';
import { isNotFound } from './graph-call.ts';
import type { OutlookSession } from './outlook-session.ts';

/** A change-notification subscription as rapport keeps it (sealed nowhere: the clientState is a shared secret, not a credential). */
export interface OutlookSubscription {
  /** Graph's subscription id. */
  id: string;
  /** What it watches (`me/messages`). */
  resourceId: string;
  /** The clientState secret: `acct=<account>;<random>`, checked on every notification. */
  token: string;
  expiresAt: string;
}

export interface SubscriptionSettings {
  /** Where Graph POSTs change notifications and lifecycle notifications. */
  notificationUrl: string;
  lifecycleUrl: string;
  /** Lifetime asked for, and how long before expiry it is renewed. */
  minutes: number;
  renewBeforeMinutes: number;
  now: Date;
}

/** The resource watched: every mail folder, so a sent reply wakes a sync as well as a received one. */
const MAIL_RESOURCE = 'me/messages';

/** The account whose clientState this is (null when it is not one of rapport's). */
export function accountOfClientState(clientState: string): number | null {
  const id = Number(/^acct=(\d+);/.exec(clientState)?.[1]);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/**
 * Keeps one mail subscription alive: kept while far from expiry, renewed (PATCH) when
 * close, created afresh (Graph checks the notification URL first) when there is none or
 * Graph no longer knows it. Returns what to store.
 */
export async function ensureMailSubscription(
  session: OutlookSession,
  accountId: number,
  current: OutlookSubscription | null,
  settings: SubscriptionSettings,
): Promise<OutlookSubscription> {
  const expiry = new Date(settings.now.getTime() + settings.minutes * 60_000).toISOString();
  if (current) {
    if (Date.parse(current.expiresAt) - settings.now.getTime() > settings.renewBeforeMinutes * 60_000) return current;
    try {
      const renewed = await session.call<{ expirationDateTime?: string }>((graph) =>
        graph.api(`/subscriptions/${encodeURIComponent(current.id)}`).patch({ expirationDateTime: expiry }),
      );
      return { ...current, expiresAt: renewed.expirationDateTime ?? expiry };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const clientState = `acct=${accountId};${randomBytes(24).toString('base64url')}`;
  const created = await session.call<{ id: string; expirationDateTime?: string }>((graph) =>
    graph.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: settings.notificationUrl,
      lifecycleNotificationUrl: settings.lifecycleUrl,
      resource: MAIL_RESOURCE,
      expirationDateTime: expiry,
      clientState,
    }),
  );
  if (current) await deleteSubscription(session, current.id).catch(() => undefined);
  return { id: created.id, resourceId: MAIL_RESOURCE, token: clientState, expiresAt: created.expirationDateTime ?? expiry };
}

export async function deleteSubscription(session: OutlookSession, id: string): Promise<void> {
  try {
    await session.call((graph) => graph.api(`/subscriptions/${encodeURIComponent(id)}`).delete());
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** One item of a change or lifecycle notification POST. */
export interface GraphNotification {
  subscriptionId?: string;
  clientState?: string;
  changeType?: string;
  lifecycleEvent?: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired' | string;
}

/** The items of a notification POST, or none when the body is not one. */
export function readGraphNotifications(body: unknown): GraphNotification[] {
  const value = (body as { value?: unknown } | null)?.value;
  return Array.isArray(value) ? value.filter((v): v is GraphNotification => typeof v === 'object' && v !== null) : [];
}
