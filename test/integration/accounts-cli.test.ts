/**
 * Connecting a mailbox as a user does it, for Gmail and for Outlook alike:
 * `rapport emulate google|graph --seed DIR` in one terminal, `rapport accounts connect
 * gmail|outlook` in another (the browser is played by fetch), then `rapport accounts`,
 * `rapport sync`, and the log compared with importing the same folder.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFolder } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { freePort } from '../helpers/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USER = 'alex.student@university.example';
const SEED = fixtureFolder(['maildir', 'takeout.mbox', 'calendar'].map((p) => path.join(ROOT, 'test/fixtures/export', p)));


/** Starts `rapport ...args` and resolves with the child once its stdout matches `ready`. */
function startRapport(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(process.execPath, ['bin/rapport.js', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rapport ${args.join(' ')} did not get ready:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = ready.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => stdout + stderr });
      }
    });
    child.on('exit', (code) => reject(new Error(`rapport ${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`)));
  });
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/rapport.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code ?? 1))));

/** What differs between the two providers, as a user meets it. */
const PROVIDERS = [
  {
    provider: 'gmail',
    emulate: 'google',
    emulatorReady: /RAPPORT_GOOGLE_API_URL=(\S+)/,
    consentPage: /(http:\S+o\/oauth2\/v2\/auth\S+)/,
    env: (url: string): Record<string, string> => ({
      RAPPORT_GOOGLE_API_URL: url, RAPPORT_GOOGLE_CLIENT_ID: 'rapport-test', RAPPORT_GOOGLE_CLIENT_SECRET: 'rapport-test-secret',
    }),
  },
  {
    provider: 'outlook',
    emulate: 'graph',
    emulatorReady: /RAPPORT_GRAPH_URL=(\S+)/,
    // The emulator's sign-in page, on the plain-HTTP address it answers at.
    consentPage: /(http:\S+\/common\/oauth2\/v2\.0\/authorize\S+)/,
    env: (url: string): Record<string, string> => ({
      RAPPORT_GRAPH_URL: url, RAPPORT_MICROSOFT_AUTHORITY: `${url}common`,
      RAPPORT_MICROSOFT_CLIENT_ID: 'rapport-test', RAPPORT_MICROSOFT_CLIENT_SECRET: 'rapport-test-secret',
    }),
  },
] as const;

describe.each(PROVIDERS)('rapport emulate, accounts connect $provider, accounts, sync', ({ provider, emulate, emulatorReady, consentPage, env: providerEnv }) => {
  let emulator: ChildProcess;
  let env: Record<string, string>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `rapport-${provider}-cli-`));

  beforeAll(async () => {
    const emulatorPort = await freePort();
    const started = await startRapport(
      ['emulate', emulate, '--port', String(emulatorPort), '--seed', SEED, '--user', USER],
      {},
      emulatorReady,
    );
    emulator = started.child;
    // Windows wide enough that the fixtures (March 2026) stay inside them whatever today is.
    const configFile = path.join(dataDir, 'config.yaml');
    fs.writeFileSync(configFile, 'sync:\n  mailWindowMonths: 600\n  calendarPastDays: 36500\n');
    env = {
      RAPPORT_DATA_DIR: dataDir,
      RAPPORT_CONFIG: configFile,
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: '',
      RAPPORT_QUEUE_PREFIX: `test-${provider}-cli-${randomBytes(5).toString('hex')}`,
      RAPPORT_ME: `${USER},alex@gmail.com`,
      ...providerEnv(started.match[1]!),
      RAPPORT_HTTP_PORT: String(await freePort()),
    };
  });
  afterAll(() => {
    emulator?.kill('SIGTERM');
  });

  it('connect prints the consent URL, takes the browser back, stores the account and syncs it', async () => {
    const connect = await startRapport(['accounts', 'connect', provider, '--no-open'], env, consentPage);
    const page = await fetch(connect.match[1]!); // follows the redirect to rapport's callback
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`${USER} is connected`);
    const code = await Promise.race([exited(connect.child), new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(code, connect.output()).toBe(0);
    expect(connect.output()).toMatch(new RegExp(`Connected ${USER.replace('.', '\\.')}`));
    expect(connect.output()).toMatch(/9 messages and 1 calendar event in the log/);
  });

  it('accounts --json shows the account, its status and counts, and never a token', async () => {
    const listed = await run(['accounts', '--json'], env);
    expect(listed.code).toBe(0);
    const accounts = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ provider, address: USER, status: 'active', messages: 9, meetings: 1 });
    expect(listed.stdout).not.toMatch(/token|refresh/i);
    const table = await run(['accounts'], env);
    expect(table.stdout).toMatch(new RegExp(`${provider}\\s+${USER.replace('.', '\\.')}\\s+active`));
  });

  it('the log equals the one a file import of the same folder gives', async () => {
    const synced = JSON.parse((await run(['contacts', '--json'], env)).stdout) as { contacts: Record<string, unknown>[] };
    const importDir = fs.mkdtempSync(path.join(os.tmpdir(), `rapport-${provider}-cli-import-`));
    const importEnv = { ...env, RAPPORT_DATA_DIR: importDir };
    expect((await run(['import', SEED], importEnv)).code).toBe(0);
    const imported = JSON.parse((await run(['contacts', '--json'], importEnv)).stdout) as { contacts: Record<string, unknown>[] };
    const withoutIds = (list: Record<string, unknown>[]) =>
      list.map(({ id: _id, ...rest }) => rest).sort((a, b) => String(a.addresses).localeCompare(String(b.addresses)));
    expect(synced.contacts.length).toBeGreaterThan(0);
    expect(withoutIds(synced.contacts)).toEqual(withoutIds(imported.contacts));
  });

  it('sync runs again with a progress bar and adds nothing', async () => {
    const synced = await run(['sync', USER], env);
    expect(synced.code).toBe(0);
    expect(synced.stderr).toMatch(/syncing alex\.student@university\.example/);
    expect(synced.stdout).toMatch(/9 messages and 1 calendar event in the log/);
  });

  it('an unknown account is a clear error', async () => {
    const missing = await run(['sync', 'nobody@example.com'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No account matches "nobody@example\.com"/);
  });
});
