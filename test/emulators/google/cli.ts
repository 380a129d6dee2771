/**
 * Starting the emulator by hand (`rapport emulate google --port N --seed DIR`): start,
 * seed, issue a refresh token, and print how to point rapport at it.
 */
import { RunningGoogleEmulator } from './emulator.ts';
import { mostFrequentSender, readSeedFolder } from './seed.ts';
import type { GoogleEmulator } from './types.ts';

const DEFAULT_USER = 'me@rapport.test';

export async function runGoogleEmulatorFromCli(args: { port: number; seed?: string; user?: string; host?: string }): Promise<GoogleEmulator> {
  const emulator = new RunningGoogleEmulator({ port: args.port, ...(args.host ? { host: args.host } : {}) });
  await emulator.start();
  const folder = args.seed ? await readSeedFolder(args.seed) : null;
  const user = (args.user ?? (folder ? mostFrequentSender(folder.messages) : null) ?? DEFAULT_USER).toLowerCase();
  emulator.addUser(user);
  const seeded = args.seed ? await emulator.seedFromFolder(user, args.seed) : { messages: 0, events: 0 };
  const [clientId, clientSecret] = Object.entries({ 'rapport-test': 'rapport-test-secret' })[0] as [string, string];
  const refreshToken = emulator.issueRefreshToken(user, clientId);
  const lines = [
    `Google emulator listening at ${emulator.url}`,
    `  user:          ${user} (${seeded.messages} messages, ${seeded.events} events)`,
    `  client id:     ${clientId}`,
    `  client secret: ${clientSecret}`,
    `  refresh token: ${refreshToken}`,
    '',
    'Point rapport at it:',
    `  export RAPPORT_GOOGLE_API_URL=${emulator.url}`,
    `  export RAPPORT_GOOGLE_CLIENT_ID=${clientId}`,
    `  export RAPPORT_GOOGLE_CLIENT_SECRET=${clientSecret}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return emulator;
}
