/**
 * A local Microsoft Graph v1.0 emulator (mail, calendar, subscriptions, $batch) with the
 * Microsoft identity platform's authorize/token endpoints, for the real, unmodified
 * `@microsoft/microsoft-graph-client` (behind the E.5 rewrite middleware) and `@azure/msal-node`.
 * See README.md for the client setups that work against it.
 */
import { RunningGraphEmulator } from './emulator.ts';
import type { GraphEmulator, GraphEmulatorOptions } from './types.ts';

export type {
  EmulatedGraphMessage,
  FaultRule,
  GraphEmulator,
  GraphEmulatorOptions,
  GraphEventInput,
  GraphPersonInput,
  GraphRequestLogEntry,
} from './types.ts';
export { runGraphEmulatorFromCli } from './cli.ts';
export { TENANT_ID as GRAPH_EMULATOR_TENANT_ID } from './identity.ts';

/** Starts an emulator on a free port (by default); call `close()` when done. */
export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const emulator = new RunningGraphEmulator(options);
  await emulator.start();
  return emulator;
}
