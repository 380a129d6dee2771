import { spawn } from 'node:child_process';
import cliProgress from 'cli-progress';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { beginOutlookConnect, outlookRedirectUri, requireMicrosoftClient } from '../http/outlook-connect.ts';
import { beginGoogleConnect, googleRedirectUri, requireGoogleClient, type ConnectedAccount } from '../http/google-connect.ts';
import { buildHttpServer } from '../http/server.ts';
import { openApp, openQueueApp, type QueueApp } from '../main.ts';
import { findAccount, listAccounts, type AccountRow } from '../store/account-repository.ts';
import { openSecretBox } from '../store/secret-box.ts';
import { runAccountSync, startSyncService, type SyncOutcome } from '../workers/sync-runner.ts';
import { formatTable, formatTime, toJson } from './format.ts';

/** How long `accounts connect` waits for the browser to come back. */
const CONSENT_TIMEOUT_MS = 10 * 60_000;

/** `rapport accounts [--json]`: each account, its status, last sync and counts. */
export async function accountsListCommand(config: Config, json: boolean): Promise<void> {
  const app = await openApp(config);
  try {
    const accounts = await listAccounts(app.db);
    process.stdout.write(json ? toJson(accounts.map(accountJson)) + '\n' : formatAccounts(accounts));
  } finally {
    await app.close();
  }
}

/** The JSON shape of an account (`rapport accounts --json`): no tokens, ever. */
export function accountJson(a: AccountRow) {
  return {
    id: a.id,
    provider: a.provider,
    address: a.address,
    status: a.syncStatus,
    lastError: a.lastError,
    lastSyncAt: a.lastSyncAt?.toISOString() ?? null,
    calendarSyncedAt: a.calendarSyncedAt?.toISOString() ?? null,
    messages: a.messageCount,
    meetings: a.meetingCount,
    progress: a.syncProgress,
    watchExpiresAt: a.watchExpiresAt?.toISOString() ?? null,
  };
}

function formatAccounts(accounts: AccountRow[]): string {
  if (accounts.length === 0) return 'No accounts yet. Connect one with `rapport accounts connect gmail`, or import an export with `rapport import`.\n';
  const rows = accounts.map((a) => [
    String(a.id),
    a.provider,
    a.address,
    a.syncStatus === 'needs_reauth' ? `needs_reauth: run \`rapport accounts connect ${a.provider}\`` : a.syncStatus,
    formatTime(a.lastSyncAt),
    String(a.messageCount),
    String(a.meetingCount),
    a.syncProgress && a.syncProgress.phase !== 'done' ? `${a.syncProgress.phase} ${a.syncProgress.done}/${a.syncProgress.total}` : '',
  ]);
  const errors = accounts.filter((a) => a.lastError).map((a) => `  ${a.address}: ${a.lastError}`);
  return formatTable(['ID', 'PROVIDER', 'ADDRESS', 'STATUS', 'LAST SYNC', 'MESSAGES', 'MEETINGS', 'SYNCING'], rows) + '\n' +
    (errors.length ? `\nLast errors:\n${errors.join('\n')}\n` : '');
}

/**
 * `rapport accounts connect gmail`: prints (and opens where it can) Google's consent
 * page, serves the callback on rapport's HTTP address until the user has consented,
 * then runs the first sync with a progress bar.
 */
export async function accountsConnectCommand(
  config: Config,
  provider: string,
  options: { open: boolean; sync: boolean },
): Promise<void> {
  if (provider !== 'gmail' && provider !== 'outlook') {
    throw new InvalidInputError(`rapport cannot connect "${provider}"; use \`rapport accounts connect gmail\` or \`rapport accounts connect outlook\`.`);
  }
  const outlook = provider === 'outlook';
  if (outlook) requireMicrosoftClient(config);
  else requireGoogleClient(config);
  const app = await openQueueApp(config);
  const secrets = openSecretBox(config.dataDir);
  const service = startSyncService({ ...app, secrets });
  let connected: (account: ConnectedAccount) => void = () => undefined;
  const waitForConsent = new Promise<ConnectedAccount>((resolve) => (connected = resolve));
  const http = buildHttpServer({ ...app, secrets, syncQueue: service.queue, onConnected: (a) => connected(a) });
  try {
    await listen(http, config);
    const { url } = outlook ? await beginOutlookConnect(config, app.redis) : await beginGoogleConnect(config, app.redis);
    const who = outlook ? 'Microsoft' : 'Google';
    const back = outlook ? outlookRedirectUri(config) : googleRedirectUri(config);
    process.stdout.write(`Open this page to let rapport read your mail and calendar and prepare drafts:\n\n  ${url}\n\nWaiting for ${who} to send you back to ${back} …\n`);
    if (options.open) openInBrowser(url);
    const account = await withTimeout(waitForConsent, CONSENT_TIMEOUT_MS, 'No answer from the consent page within 10 minutes. Run the command again when you are ready.');
    process.stdout.write(`Connected ${account.address} (account ${account.accountId}).\n`);
    if (account.missingScopes.length > 0) {
      process.stdout.write(`Warning: not granted: ${account.missingScopes.join(', ')}. Connect again and leave every box ticked.\n`);
    }
    if (options.sync) await syncWithBar(app, service, account.accountId, account.address);
  } finally {
    await http.close();
    await service.close();
    await app.close();
  }
}

/** `rapport sync ACCOUNT`: syncs mail and calendar now, with a progress bar. */
export async function syncCommand(config: Config, accountKey: string): Promise<void> {
  const app = await openQueueApp(config);
  const service = startSyncService({ ...app, secrets: openSecretBox(config.dataDir) });
  try {
    const account = await findAccount(app.db, accountKey);
    if (!account) throw new NotFoundError('account', accountKey);
    if (account.provider !== 'gmail' && account.provider !== 'outlook') {
      throw new InvalidInputError(`${account.address} is a ${account.provider} account; only connected Gmail and Outlook accounts sync. Use \`rapport import\` for exports.`);
    }
    if (account.syncStatus === 'needs_reauth') {
      throw new InvalidInputError(`${account.address} needs to be connected again: run \`rapport accounts connect ${account.provider}\`.`);
    }
    await syncWithBar(app, service, account.id, account.address);
  } finally {
    await service.close();
    await app.close();
  }
}

async function syncWithBar(app: QueueApp, service: ReturnType<typeof startSyncService>, accountId: number, address: string): Promise<void> {
  const bar = new cliProgress.SingleBar(
    {
      format: `syncing ${address} |{bar}| {value}/{total} {phase}`,
      stream: process.stderr,
      hideCursor: true,
      // Before the scan has counted anything the total is 0, which would draw a full bar.
      emptyOnZero: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { phase: 'starting' });
  let outcome: SyncOutcome;
  try {
    outcome = await runAccountSync(service, accountId, (p) => {
      bar.setTotal(p.total);
      bar.update(p.done, { phase: p.phase === 'fetching' ? 'messages' : p.phase });
    });
  } finally {
    bar.stop();
  }
  const account = await findAccount(app.db, accountId);
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const lines = [`${address}: ${count(account?.messageCount ?? 0, 'message')} and ${count(account?.meetingCount ?? 0, 'calendar event')} in the log.`];
  for (const [kind, result] of Object.entries(outcome)) {
    if (result instanceof Error) {
      lines.push(`${kind} sync failed: ${result.message}`);
      process.exitCode = 1;
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

async function listen(http: ReturnType<typeof buildHttpServer>, config: Config): Promise<void> {
  try {
    await http.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new InvalidInputError(
        `Port ${config.http.port} on ${config.http.host} is taken (is \`rapport start\` running? then connect from its page). Stop what uses it, or set RAPPORT_HTTP_PORT and add the new redirect URI to your Google OAuth client.`,
      );
    }
    throw err;
  }
}

/** Opens a URL in the user's browser where there is one; silently does nothing otherwise. */
function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser here (a server, a container): the printed URL is enough.
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new InvalidInputError(message)), ms))),
  ]);
}
