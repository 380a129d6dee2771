import type { CalendarSink } from '../integrations/google/calendar-sync.ts';
import type { FetchedMessage, MailSink, SyncProgress } from '../integrations/google/gmail-mail-sync.ts';
import { analyseEvent } from '../ingest/analyse-message.ts';
import { setSyncProgress } from '../store/account-repository.ts';
import { cancelMeetings, linkMeetingsToOutreach, recordMeeting } from '../store/meeting-repository.ts';
import { meetingsMissingFromWindow, meetingsOfProviderEvents, recordProviderEvents } from '../store/provider-event-repository.ts';
import {
  forgetProviderMessages,
  heldProviderIds,
  heldProviderIdsSince,
  recordProviderMessages,
} from '../store/provider-message-repository.ts';
import {
  analysisContext,
  ingestRawItems,
  refreshThreadStates,
  refreshThreadStatesOf,
  type IngestDeps,
  type RawItem,
} from './ingest-worker.ts';

/**
 * Where a provider sync writes: the same ingest as a file import (so a synced mailbox
 * and an imported one give the same log), plus which provider ids the account holds.
 */
export function mailSinkFor(
  deps: IngestDeps,
  account: { id: number; provider: string },
  onProgress?: (update: SyncProgress) => void,
): MailSink {
  return {
    held: (ids) => heldProviderIds(deps.db, account.id, ids),
    heldSince: (since) => heldProviderIdsSince(deps.db, account.id, since),
    async store(messages: readonly FetchedMessage[]) {
      if (messages.length === 0) return;
      const items = messages.map((m): RawItem => ({
        source: `${account.provider}:${account.id}/${m.id}`,
        format: 'raw',
        raw: m.raw,
        failure: { path: `${account.provider}:${account.id}/${m.id}`, position: 0 },
      }));
      const { messageKeys } = await ingestRawItems(deps, account.id, items);
      // Unreadable messages are in ingest_failure; they are not held, so the next full sync retries them.
      await recordProviderMessages(
        deps.db,
        account.id,
        messages.flatMap((m, i) => {
          const key = messageKeys[i];
          return key ? [{ providerId: m.id, providerThreadId: m.threadId, messageKey: key, internalDate: m.internalDate }] : [];
        }),
      );
    },
    async remove(ids) {
      await deps.db.transaction(async (tx) => {
        const threads = await forgetProviderMessages(tx, account.id, ids);
        await refreshThreadStatesOf(tx, threads);
      });
    },
    async progress(update) {
      onProgress?.(update);
      await setSyncProgress(deps.db, account.id, update);
    },
  };
}

/** Where a calendar sync writes: meetings, exactly as events from an `.ics` file become them. */
export function calendarSinkFor(deps: IngestDeps, account: { id: number; provider: string }, windowStart: Date): CalendarSink {
  const written = async (meetingIds: number[]) => {
    if (deps.onWritten && meetingIds.length > 0) await deps.onWritten({ messageRowIds: [], meetingIds });
  };
  return {
    async upsert(events) {
      const ctx = await analysisContext(deps);
      const meetingIds = await deps.db.transaction(async (tx) => {
        const mapped: { providerId: string; meetingId: number }[] = [];
        for (const { providerId, event } of events) {
          const record = analyseEvent(event, `${account.provider}-calendar:${account.id}/${providerId}`, ctx);
          const { meetingId } = await recordMeeting(tx, record, null);
          if (meetingId !== null) mapped.push({ providerId, meetingId });
        }
        await recordProviderEvents(tx, account.id, mapped);
        const meetingIds = mapped.map((m) => m.meetingId);
        await refreshThreadStates(tx, [], meetingIds);
        await linkMeetingsToOutreach(tx, meetingIds);
        await refreshThreadStates(tx, [], meetingIds);
        return meetingIds;
      });
      await written(meetingIds);
    },
    async cancel(providerIds) {
      const meetingIds = await deps.db.transaction(async (tx) => {
        const ids = await cancelMeetings(tx, await meetingsOfProviderEvents(tx, account.id, providerIds));
        await refreshThreadStates(tx, [], ids);
        return ids;
      });
      await written(meetingIds);
    },
    async keepOnly(providerIds) {
      const meetingIds = await deps.db.transaction(async (tx) => {
        const missing = await meetingsMissingFromWindow(tx, account.id, [...providerIds], windowStart);
        const ids = await cancelMeetings(tx, missing);
        await refreshThreadStates(tx, [], ids);
        return ids;
      });
      await written(meetingIds);
    },
  };
}
