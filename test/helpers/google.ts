import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config/load-config.ts';
import type { Database } from '../../src/store/database.ts';
import { saveConnectedAccount } from '../../src/store/account-repository.ts';
import { openSecretBox, type SecretBox } from '../../src/store/secret-box.ts';
import { GOOGLE_SCOPES } from '../../src/integrations/google/google-auth.ts';
import type { GoogleEmulator } from '../emulators/google/index.ts';
import { testConfig } from './test-config.ts';

export const TEST_CLIENT_ID = 'rapport-test';
export const TEST_CLIENT_SECRET = 'rapport-test-secret';

/** A configuration pointed at the emulator, with the Google client it accepts. */
export function googleTestConfig(emulator: GoogleEmulator, env: Record<string, string> = {}): Config {
  return testConfig({
    RAPPORT_ME: 'alex.student@university.example,alex@gmail.com',
    RAPPORT_GOOGLE_API_URL: emulator.url,
    RAPPORT_GOOGLE_CLIENT_ID: TEST_CLIENT_ID,
    RAPPORT_GOOGLE_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ...env,
  });
}

/** Stores a Gmail account as if its user had consented: a refresh token from the emulator, sealed. */
export async function connectSeededAccount(
  db: Database,
  config: Config,
  emulator: GoogleEmulator,
  address: string,
): Promise<{ accountId: number; secrets: SecretBox }> {
  const secrets = openSecretBox(config.dataDir, {});
  const refreshToken = emulator.issueRefreshToken(address, TEST_CLIENT_ID);
  const accountId = await saveConnectedAccount(db, 'gmail', address, secrets.seal({ refresh_token: refreshToken }), [...GOOGLE_SCOPES]);
  return { accountId, secrets };
}

/** A folder holding copies of the given fixture files and folders (a seed or an export). */
export function fixtureFolder(parts: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-seed-'));
  for (const part of parts) fs.cpSync(part, path.join(dir, path.basename(part)), { recursive: true });
  return dir;
}

/** Raw bytes of a small message, for tests that add mail to the emulated mailbox. */
export function rawMessage(fields: {
  from: string;
  to: string;
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo?: string;
  body?: string;
}): string {
  return [
    `From: ${fields.from}`,
    `To: ${fields.to}`,
    `Subject: ${fields.subject}`,
    `Date: ${fields.date.toUTCString()}`,
    `Message-ID: <${fields.messageId}>`,
    ...(fields.inReplyTo ? [`In-Reply-To: <${fields.inReplyTo}>`, `References: <${fields.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    fields.body ?? 'Hello,\n\nThank you.\n',
  ].join('\r\n');
}
