import type { AccountState } from '../../store/approval-queries.ts';
import { formatLocalTime } from '../local-time.ts';
import { html, type SafeHtml } from './html.ts';

const STATUS_WORDS: Record<AccountState['syncStatus'], string> = {
  active: 'connected',
  needs_reauth: 'needs reconnecting',
  error: 'sync failed',
};

/** What the account is doing: a sync part way (its phase and counts), or up to date. */
function statusOf(a: AccountState): SafeHtml {
  if (a.provider === 'mailbox') return html`imported from files`;
  const progress = a.syncProgress;
  if (a.syncStatus !== 'active' || !progress) return html`${STATUS_WORDS[a.syncStatus]}`;
  if (progress.phase === 'done') return html`up to date`;
  return html`syncing <span class="meta">${progress.phase} ${progress.done}/${progress.total}</span>`;
}

/** Connected accounts, their sync state and what is in the log from each. */
export function accountsView(accounts: readonly AccountState[], timeZone: string): SafeHtml {
  if (accounts.length === 0) {
    return html`<h1>Accounts</h1><p class="meta">No account yet. Run <code>rapport accounts connect gmail</code> or <code>rapport accounts connect outlook</code>, or <code>rapport import FILES</code> for a mailbox export.</p>`;
  }
  return html`
<h1>Accounts</h1>
<table class="list">
  <thead><tr><th>Account</th><th>Status</th><th>Last mail sync</th><th>Last calendar sync</th><th>Messages</th><th>Meetings</th></tr></thead>
  <tbody>${accounts.map((a) => html`
    <tr data-account="${a.id}">
      <td>${a.address} <span class="meta">(${a.provider})</span></td>
      <td>${statusOf(a)}${
        a.syncStatus === 'needs_reauth' ? html`<div class="meta">Run <code>rapport accounts connect ${a.provider}</code> to connect it again.</div>` : ''}${
        a.lastError && a.syncStatus !== 'active' ? html`<div class="meta">${a.lastError}</div>` : ''}</td>
      <td>${formatLocalTime(a.lastSyncAt, timeZone) || '—'}</td>
      <td>${formatLocalTime(a.calendarSyncedAt, timeZone) || '—'}</td>
      <td>${a.messageCount}</td>
      <td>${a.meetingCount}</td>
    </tr>`)}
  </tbody>
</table>`;
}
