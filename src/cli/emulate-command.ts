/**
 * `rapport emulate google`: the Google emulator the tests use, started by hand, so that a
 * user can try rapport end to end without a Google Cloud project. It lives with the
 * tests (test/emulators/google) and is loaded only when this command runs.
 */
export async function emulateGoogleCommand(options: { port: number; host: string; seed?: string; user?: string }): Promise<void> {
  const { runGoogleEmulatorFromCli } = await import('../../test/emulators/google/index.ts');
  const emulator = await runGoogleEmulatorFromCli(options);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
}

/**
 * `rapport emulate graph`: the Microsoft Graph emulator (mail, calendar, sign-in), started
 * by hand to try rapport with an Outlook-shaped account. Loaded only when this runs.
 */
export async function emulateGraphCommand(options: { port: number; host: string; seed?: string; user?: string }): Promise<void> {
  const { runGraphEmulatorFromCli } = await import('../../test/emulators/graph/index.ts');
  const emulator = await runGraphEmulatorFromCli(options);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
}
