/**
 * A local Google API emulator (Gmail v1, Calendar v3, OAuth 2) for the real, unmodified
 * `googleapis` client: point `rootUrl` at {@link GoogleEmulator.url} and the OAuth2
 * client's `endpoints` at `url + 'token'` and `url + 'o/oauth2/v2/auth'`.
 */
import { RunningGoogleEmulator } from './emulator.ts';
import type { GoogleEmulator, GoogleEmulatorOptions } from './types.ts';

export type {
  CalendarEventInput,
  EmulatedMessage,
  EventTimeInput,
  FaultRule,
  GoogleEmulator,
  GoogleEmulatorOptions,
  RequestLogEntry,
} from './types.ts';
export { runGoogleEmulatorFromCli } from './cli.ts';
export { SCOPES as GOOGLE_SCOPES } from './scopes.ts';

/** Starts an emulator on a free port (by default); call `close()` when done. */
export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const emulator = new RunningGoogleEmulator(options);
  await emulator.start();
  return emulator;
}
