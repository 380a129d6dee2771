/**
 * Starting the emulator by hand (`rapport emulate graph --port N --seed DIR`): start,
 * seed, issue a refresh token, and print how to point rapport at it.
 */
import { mostFrequentSender, readSeedFolder } from '../google/seed.ts';
import { RunningGraphEmulator } from './emulator.ts';
import type { GraphEmulator } from './types.ts';

const DEFAULT_USER = 'me@rapport.test';

export async function runGraphEmulatorFromCli(args: { port: number; seed?: string; user?: string; host?: string }): Promise<GraphEmulator> {
  const emulator = new RunningGraphEmulator({ port: args.port, ...(args.host ? { host: args.host } : {}) });
  await emulator.start();
  const folder = args.seed ? await readSeedFolder(args.seed) : null;
  const user = (args.user ?? (folder ? mostFrequentSender(folder.messages) : null) ?? DEFAULT_USER).toLowerCase();
  emulator.addUser(user);
  const seeded = args.seed ? await emulator.seedFromFolder(user, args.seed) : { messages: 0, events: 0 };
  const [clientId, clientSecret] = Object.entries({ 'rapport-test': 'rapport-test-secret' })[0] as [string, string];
  const refreshToken = emulator.issueRefreshToken(user, clientId);
  const lines = [
    `Microsoft Graph emulator listening at ${emulator.url}`,
    `  user:          ${user} (${seeded.messages} messages, ${seeded.events} events)`,
    `  client id:     ${clientId}`,
    `  client secret: ${clientSecret}`,
    `  refresh token: ${refreshToken}`,
    '',
    'Point rapport at it:',
    `  export RAPPORT_GRAPH_URL=${emulator.url}`,
    `  export RAPPORT_MICROSOFT_CLIENT_ID=${clientId}`,
    `  export RAPPORT_MICROSOFT_CLIENT_SECRET=${clientSecret}`,
    `  export RAPPORT_MICROSOFT_AUTHORITY=${emulator.url}common`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return emulator;
}
