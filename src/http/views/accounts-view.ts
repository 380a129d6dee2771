import type { AccountState } from '../../store/approval-queries.ts';
import { formatLocalTime } from '../local-time.ts';
import { html, type SafeHtml } from './html.ts';
import { postForm } from './layout.ts';

const STATUS_WORDS: Record<AccountState['syncStatus'], string> = {
  active: 'connected',
  needs_reauth: 'needs reconnecting',
  error: 'sync failed',
};

export type ConnectableProvider = 'gmail' | 'outlook';

/** What the connect buttons need: the session's token, and which providers have an OAuth client configured. */
export interface AccountForms {
  csrfToken: string;
  connectable: Record<ConnectableProvider, boolean>;
}

const PROVIDERS: Record<ConnectableProvider, { label: string; settings: string }> = {
  gmail: { label: 'Gmail', settings: 'RAPPORT_GOOGLE_CLIENT_ID and RAPPORT_GOOGLE_CLIENT_SECRET' },
  outlook: { label: 'Outlook', settings: 'RAPPORT_MICROSOFT_CLIENT_ID and RAPPORT_MICROSOFT_CLIENT_SECRET' },
};

const isConnectable = (provider: string): provider is ConnectableProvider => provider in PROVIDERS;

/** What the account is doing: a sync part way (its phase and counts), or up to date. */
function statusOf(a: AccountState): SafeHtml {
  if (a.provider === 'mailbox') return html`imported from files`;
  const progress = a.syncProgress;
  if (a.syncStatus !== 'active' || !progress) return html`${STATUS_WORDS[a.syncStatus]}`;
  if (progress.phase === 'done') return html`up to date`;
  return html`syncing <span class="meta">${progress.phase} ${progress.done}/${progress.total}</span>`;
}

/** A button that starts the provider's consent flow, for a new account or (with `address`) one to connect again. */
function connectButton(provider: ConnectableProvider, forms: AccountForms, label: string, address?: string): SafeHtml {
  return postForm(`/accounts/connect/${provider}`, forms.csrfToken, html`${
    address ? html`<input type="hidden" name="address" value="${address}">` : ''}<button type="submit">${label}</button>`, 'inline');
}

/** How to reach a mailbox that has lost its access. */
function reconnect(a: AccountState, forms: AccountForms): SafeHtml {
  if (a.syncStatus !== 'needs_reauth' || !isConnectable(a.provider)) return html``;
  return forms.connectable[a.provider]
    ? html`<div>${connectButton(a.provider, forms, 'Connect again', a.address)}</div>`
    : html`<div class="meta">Run <code>rapport accounts connect ${a.provider}</code> to connect it again.</div>`;
}

/** The buttons to connect a mailbox, or what to set where a provider has no OAuth client. */
function connectSection(forms: AccountForms): SafeHtml {
  const providers = Object.keys(PROVIDERS) as ConnectableProvider[];
  const missing = providers.filter((p) => !forms.connectable[p]);
  return html`
<section class="connect">
  <h2>Connect a mailbox</h2>
  <p class="meta">You sign in on Google’s or Microsoft’s own page and come back here; rapport reads your mail and calendar and never sends anything you have not approved.</p>
  <p>${providers.filter((p) => forms.connectable[p]).map((p) => connectButton(p, forms, `Connect ${PROVIDERS[p].label}`))}</p>
  ${missing.map((p) => html`<p class="meta">To connect ${PROVIDERS[p].label}, set ${PROVIDERS[p].settings} and restart rapport; the README says how to get them.</p>`)}
  <p class="meta">Or build the log from a mailbox export: <code>rapport import FILES</code>.</p>
</section>`;
}

/** Connected accounts, their sync state and what is in the log from each, then the ways to add one. */
export function accountsView(accounts: readonly AccountState[], timeZone: string, forms: AccountForms): SafeHtml {
  if (accounts.length === 0) return html`<h1>Accounts</h1><p class="meta">No account yet.</p>${connectSection(forms)}`;
  return html`
<h1>Accounts</h1>
<table class="list">
  <thead><tr><th>Account</th><th>Status</th><th>Last mail sync</th><th>Last calendar sync</th><th>Messages</th><th>Meetings</th></tr></thead>
  <tbody>${accounts.map((a) => html`
    <tr data-account="${a.id}">
      <td>${a.address} <span class="meta">(${a.provider})</span></td>
      <td>${statusOf(a)}${reconnect(a, forms)}${
        a.lastError && a.syncStatus !== 'active' ? html`<div class="meta">${a.lastError}</div>` : ''}</td>
      <td>${formatLocalTime(a.lastSyncAt, timeZone) || '—'}</td>
      <td>${formatLocalTime(a.calendarSyncedAt, timeZone) || '—'}</td>
      <td>${a.messageCount}</td>
      <td>${a.meetingCount}</td>
    </tr>`)}
  </tbody>
</table>
${connectSection(forms)}`;
}
