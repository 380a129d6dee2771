import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/load-config.ts';
import { DEMO_USER, demoEvents, demoMessages } from '../demo/demo-mailbox.ts';
import { beginGoogleConnect } from '../http/google-connect.ts';
import { openQueueApp } from '../main.ts';
import { openSecretBox } from '../store/secret-box.ts';
import { startPrivateRedisIfNeeded } from '../workers/private-redis.ts';
import { startWeb, startWorkers, untilStopped } from './run-services.ts';

/**
 * `rapport demo`: rapport end to end on a made-up student's mailbox, without any
 * account. It starts the Google emulator (which lives with the tests and is loaded only
 * here), fills it with a few weeks of networking mail and a coffee that ended an hour
 * ago, connects it through the real OAuth flow, runs every worker and the page, and
 * prints the page's address. Its data goes to a folder of its own, never the user's.
 */
export async function demoCommand(base: Config, options: { dataDir?: string }): Promise<void> {
  const { startGoogleEmulator } = await import('../../test/emulators/google/index.ts');
  const emulator = await startGoogleEmulator();
  try {
    emulator.addUser(DEMO_USER.address);
    const now = new Date();
    for (const m of demoMessages(now)) {
      emulator.insertMessage(DEMO_USER.address, m.raw, { labelIds: m.box === 'sent' ? ['SENT'] : ['INBOX'], internalDate: m.date });
    }
    for (const e of demoEvents(now)) {
      emulator.insertEvent(DEMO_USER.address, {
        summary: e.summary,
        start: { dateTime: e.start.toISOString() },
        end: { dateTime: e.end.toISOString() },
        attendees: e.attendees.map((a) => ({ email: a.address, displayName: a.name, responseStatus: 'accepted', ...(a.address === DEMO_USER.address ? { self: true } : {}) })),
      });
    }
    emulator.setConsentUser(DEMO_USER.address);
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-demo-'));
    const config = demoConfig(base, dataDir, emulator.url);
    const privateRedis = await startPrivateRedisIfNeeded(config.redisUrl, dataDir);
    const app = await openQueueApp(config).catch(async (err: unknown) => {
      await privateRedis?.stop();
      throw err;
    });
    const secrets = openSecretBox(config.dataDir);
    const workers = await startWorkers(app, secrets, ['sync', 'plan', 'deliver']);
    try {
      const web = await startWeb(app, secrets);
      try {
        // The real consent flow, with the emulator's consent page answering for the user.
        const { url } = await beginGoogleConnect(config, app.redis);
        const consent = await fetch(url);
        if (!consent.ok) throw new Error(`The demo could not connect its mailbox (${consent.status}).`);
        process.stdout.write(
          [
            `rapport demo: ${DEMO_USER.name}'s mailbox (${DEMO_USER.address}) is connected and syncing.`,
            `Within a minute the page shows the log, the meetings, a thank-you draft for the coffee`,
            `that ended an hour ago and a follow-up to a request unanswered for eight business days.`,
            '',
            web.hint,
            `Demo data: ${dataDir} (Ctrl-C to stop).`,
            '',
          ].join('\n'),
        );
        await untilStopped();
      } finally {
        await web.close();
      }
    } finally {
      await workers.close();
      await app.close();
      await privateRedis?.stop();
    }
  } finally {
    await emulator.close();
  }
}

/** The user's configuration, pointed at the demo's mailbox, data folder and Redis keys. */
function demoConfig(base: Config, dataDir: string, emulatorUrl: string): Config {
  return {
    ...base,
    dataDir,
    // The embedded database in the demo's folder, whatever DATABASE_URL says.
    databaseUrl: '',
    queuePrefix: `rapport-demo-${randomBytes(4).toString('hex')}`,
    user: {
      ...base.user,
      name: DEMO_USER.name,
      addresses: [DEMO_USER.address],
      role: "a master's student in energy systems",
      field: 'grid analytics',
      signature: DEMO_USER.name,
    },
    google: { ...base.google, apiUrl: emulatorUrl, clientId: 'rapport-test', clientSecret: 'rapport-test-secret', pubsubTopic: '' },
    sync: { ...base.sync, pollMinutes: 0.5 },
  };
}
