import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/load-config.ts';
import { DEMO_OUTLOOK_USER, DEMO_USER, demoEvents, demoMessages, demoOutlookEvents, demoOutlookMessages } from '../demo/demo-mailbox.ts';
import { beginGoogleConnect } from '../http/google-connect.ts';
import { beginOutlookConnect } from '../http/outlook-connect.ts';
import { openQueueApp } from '../main.ts';
import { openSecretBox } from '../store/secret-box.ts';
import { startPrivateRedisIfNeeded } from '../workers/private-redis.ts';
import { startWeb, startWorkers, untilStopped } from './run-services.ts';
import type { GoogleEmulator } from '../../test/emulators/google/index.ts';
import type { GraphEmulator } from '../../test/emulators/graph/index.ts';

/** The client id and secret the emulators accept. */
const DEMO_CLIENT = { clientId: 'rapport-test', clientSecret: 'rapport-test-secret' };

/**
 * `rapport demo`: rapport end to end on a made-up student's two mailboxes, without any
 * account. It starts the Google and Microsoft Graph emulators (which live with the tests
 * and are loaded only here), fills them with a few weeks of networking mail, a coffee
 * that ended an hour ago and a call in a few days, connects both through the real sign-in
 * flows, runs every worker and the page, and prints the page's address. Its data goes to
 * a folder of its own, never the user's.
 */
export async function demoCommand(base: Config, options: { dataDir?: string }): Promise<void> {
  const { startGoogleEmulator } = await import('../../test/emulators/google/index.ts');
  const { startGraphEmulator } = await import('../../test/emulators/graph/index.ts');
  const now = new Date();
  const google = await startGoogleEmulator();
  const graph = await startGraphEmulator().catch(async (err: unknown) => {
    await google.close();
    throw err;
  });
  try {
    seedGmail(google, now);
    seedOutlook(graph, now);
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-demo-'));
    const config = demoConfig(base, dataDir, google.url, graph.url);
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
        // The real consent flows, with each emulator's consent page answering for the user.
        await consent('Gmail', (await beginGoogleConnect(config, app.redis)).url);
        await consent('Outlook', (await beginOutlookConnect(config, app.redis)).url);
        process.stdout.write(
          [
            `rapport demo: ${DEMO_USER.name}'s university Gmail (${DEMO_USER.address}) and personal`,
            `Outlook (${DEMO_OUTLOOK_USER.address}) are connected and syncing. Within a minute the page`,
            `shows the log, the meetings (a call in a few days, with a brief), a thank-you draft for the`,
            `coffee that ended an hour ago and a follow-up to a request unanswered for twelve days.`,
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
    await graph.close();
    await google.close();
  }
}

function seedGmail(emulator: GoogleEmulator, now: Date): void {
  emulator.addUser(DEMO_USER.address);
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
}

function seedOutlook(emulator: GraphEmulator, now: Date): void {
  const user = DEMO_OUTLOOK_USER.address;
  emulator.addUser(user);
  for (const m of demoOutlookMessages(now)) {
    emulator.insertMessage(user, m.raw, { folder: m.box === 'sent' ? 'sentitems' : 'inbox', receivedDateTime: m.date });
  }
  // Graph writes event times as wall time in a named zone.
  const wall = (d: Date) => ({ dateTime: d.toISOString().replace(/Z$/, ''), timeZone: 'UTC' });
  for (const e of demoOutlookEvents(now)) {
    const [organizer] = e.attendees;
    emulator.insertEvent(user, {
      subject: e.summary,
      start: wall(e.start),
      end: wall(e.end),
      ...(organizer ? { organizer } : {}),
      attendees: e.attendees.map((a) => ({ ...a, response: 'accepted' as const })),
    });
  }
  emulator.setConsentUser(user);
}

/** Follows a consent URL as the user's browser would, to rapport's callback. */
async function consent(provider: string, url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The demo could not connect its ${provider} mailbox (${response.status}).`);
}

/** The user's configuration, pointed at the demo's mailboxes, data folder and Redis keys. */
function demoConfig(base: Config, dataDir: string, googleUrl: string, graphUrl: string): Config {
  return {
    ...base,
    dataDir,
    // The embedded database in the demo's folder, whatever DATABASE_URL says.
    databaseUrl: '',
    queuePrefix: `rapport-demo-${randomBytes(4).toString('hex')}`,
    user: {
      ...base.user,
      name: DEMO_USER.name,
      addresses: [DEMO_USER.address, DEMO_OUTLOOK_USER.address],
      role: "a master's student in energy systems",
      field: 'grid analytics',
      signature: DEMO_USER.name,
    },
    google: { ...base.google, apiUrl: googleUrl, ...DEMO_CLIENT, pubsubTopic: '' },
    microsoft: { ...base.microsoft, graphUrl, authority: new URL('common/', graphUrl).toString(), ...DEMO_CLIENT },
    sync: { ...base.sync, pollMinutes: 0.5 },
  };
}
