import { Command, InvalidArgumentError, Option } from 'commander';
import { accountsConnectCommand, accountsListCommand, syncCommand } from './cli/accounts-command.ts';
import { classifyCommand } from './cli/classify-command.ts';
import { approveCommand, draftsCommand, editCommand, rejectCommand } from './cli/drafts-command.ts';
import { importCommand } from './cli/import-command.ts';
import { mergeCommand } from './cli/merge-command.ts';
import { duplicatesCommand } from './cli/duplicates-command.ts';
import { detailsCommand } from './cli/details-command.ts';
import { fillCommand, type FillOptions } from './cli/fill-command.ts';
import { firstRequestCommand } from './cli/first-request-command.ts';
import { noteCommand } from './cli/note-command.ts';
import { nurtureCommand } from './cli/nurture-command.ts';
import { startCommand, webCommand, workerCommand } from './cli/start-command.ts';
import { targetsImportCommand } from './cli/targets-command.ts';
import { contactsCommand, exportCommand, logCommand, meetingsCommand } from './cli/log-commands.ts';
import { loadConfig } from './config/load-config.ts';
import { ConfigError, InvalidInputError, NotFoundError, ServiceUnavailableError } from './core/errors.ts';

const program = new Command('rapport')
  .description('Your networking log, drafts and reminders, from your real mail and calendar.')
  .showHelpAfterError();

const dataDirOption = () => new Option('--data-dir <dir>', 'where rapport keeps its data (RAPPORT_DATA_DIR)');
const configFor = (opts: { dataDir?: string }) => loadConfig(process.env, { dataDir: opts.dataDir });
const collect = (value: string, previous: string[]) => [...previous, value];

program
  .command('import')
  .description('import mailbox exports: .mbox, folders of .eml, maildir, raw messages, .ics')
  .argument('<path...>', 'files or folders to import')
  .option('--me <address>', 'one of your own addresses (repeatable; remembered)', collect, [])
  .addOption(dataDirOption())
  .action((paths: string[], opts: { me: string[]; dataDir?: string }) =>
    importCommand(configFor(opts), paths, opts.me),
  );

program
  .command('classify')
  .description('label messages in files (networking signals), without storing anything')
  .argument('<path...>', 'raw messages, .eml, .mbox or folders')
  .option('--json', 'print one JSON object per message per line')
  .action((paths: string[], opts: { json?: boolean }) => classifyCommand(paths, !!opts.json));

program
  .command('contacts')
  .description('list your contacts with first and last contact and the number of interactions')
  .option('--json', 'print JSON')
  .addOption(dataDirOption())
  .action((opts: { json?: boolean; dataDir?: string }) => contactsCommand(configFor(opts), !!opts.json));

program
  .command('log')
  .description("show one contact's timeline")
  .argument('<contact>', 'contact id, address, or part of a name')
  .option('--json', 'print JSON')
  .addOption(dataDirOption())
  .action((contact: string, opts: { json?: boolean; dataDir?: string }) =>
    logCommand(configFor(opts), contact, !!opts.json),
  );

program
  .command('meetings')
  .description('list meetings from calendars and invitations')
  .option('--json', 'print JSON')
  .addOption(dataDirOption())
  .action((opts: { json?: boolean; dataDir?: string }) => meetingsCommand(configFor(opts), !!opts.json));

program
  .command('export')
  .description('export the contact log')
  .addOption(new Option('--format <format>', 'csv, json or vcf').choices(['csv', 'json', 'vcf']).makeOptionMandatory())
  .option('--out <file>', 'write to a file instead of standard output')
  .addOption(dataDirOption())
  .action((opts: { format: 'csv' | 'json' | 'vcf'; out?: string; dataDir?: string }) =>
    exportCommand(configFor(opts), opts.format, opts.out),
  );

const accounts = program
  .command('accounts')
  .description('connected mail and calendar accounts: status, last sync, counts')
  .option('--json', 'print JSON')
  .addOption(dataDirOption())
  .action((opts: { json?: boolean; dataDir?: string }) => accountsListCommand(configFor(opts), !!opts.json));

accounts
  .command('connect')
  .description('connect a mailbox and calendar (gmail or outlook): opens the consent page, then syncs')
  .argument('<provider>', 'gmail or outlook')
  .option('--no-open', 'print the consent URL without opening a browser')
  .option('--no-sync', 'do not run the first sync here (a running rapport service will)')
  .addOption(dataDirOption())
  .action((provider: string, opts: { open: boolean; sync: boolean; dataDir?: string }) =>
    accountsConnectCommand(configFor(opts), provider, { open: opts.open, sync: opts.sync }),
  );

program
  .command('sync')
  .description("sync a connected account's mail and calendar now, with a progress bar")
  .argument('<account>', 'account id or address')
  .addOption(dataDirOption())
  .action((account: string, opts: { dataDir?: string }) => syncCommand(configFor(opts), account));

program
  .command('start')
  .description('run rapport: syncs, scheduled polls, and the web server for sign-ins and push notifications')
  .addOption(dataDirOption())
  .action((opts: { dataDir?: string }) => startCommand(configFor(opts)));

program
  .command('drafts')
  .description('drafts waiting for your approval, and the ones approved, sent or rejected')
  .option('--json', 'print JSON')
  .option('--status <status>', 'only drafts in this status (repeatable or comma separated; "all" for every draft)', collect, [])
  .addOption(dataDirOption())
  .action((opts: { json?: boolean; status: string[]; dataDir?: string }) =>
    draftsCommand(configFor(opts), { json: !!opts.json, status: opts.status }),
  );

program
  .command('approve')
  .description('approve a draft: rapport sends it (now or at a time), or puts it in your mailbox to send yourself')
  .argument('<id>', 'draft id (from `rapport drafts`)')
  .addOption(new Option('--send', 'rapport sends it (the default)').conflicts('toMailbox'))
  .addOption(new Option('--to-mailbox', "put it in your mailbox's Drafts folder; your own send is the approval").conflicts('send'))
  .option('--at <time>', 'send at this time: ISO 8601, or "YYYY-MM-DD HH:MM" in your time zone (user.timeZone)')
  .addOption(dataDirOption())
  .action((id: string, opts: { send?: boolean; toMailbox?: boolean; at?: string; dataDir?: string }) =>
    approveCommand(configFor(opts), id, opts),
  );

program
  .command('reject')
  .description('reject a draft: nothing is sent')
  .argument('<id>', 'draft id')
  .addOption(dataDirOption())
  .action((id: string, opts: { dataDir?: string }) => rejectCommand(configFor(opts), id));

program
  .command('edit')
  .description("edit a draft's subject and body in $EDITOR (or give them with --subject and --body-file)")
  .argument('<id>', 'draft id')
  .option('--subject <subject>', 'the new subject')
  .option('--body-file <file>', 'a file holding the new body ("-" for standard input)')
  .addOption(dataDirOption())
  .action((id: string, opts: { subject?: string; bodyFile?: string; dataDir?: string }) =>
    editCommand(configFor(opts), id, { ...opts, editor: process.env.VISUAL || process.env.EDITOR }),
  );

program
  .command('fill')
  .description('give a draft what it waits for (a thank-you\'s takeaway, a check-in\'s news); without options, say what it needs')
  .argument('<id>', 'draft id')
  .option('--takeaway <text>', 'what you took from the conversation (thank-you)')
  .option('--update <text>', 'your news since you last spoke (check-in)')
  .option('--first-name <name>', 'their first name, as the greeting says it')
  .option('--source <text>', 'how you got their name: "the alumni directory"')
  .option('--referrer <name>', 'who referred you')
  .option('--your-name <name>', 'your name, as you sign')
  .option('--field <text>', 'the field you are exploring')
  .option('--met-at <time>', 'when you met: "YYYY-MM-DD HH:MM" in your time zone')
  .addOption(dataDirOption())
  .action((id: string, opts: FillOptions & { dataDir?: string }) => fillCommand(configFor(opts), id, opts));

program
  .command('request')
  .description('draft a first request to meet a contact you have not written to (naming who referred you)')
  .argument('<contact>', 'contact id, address, or part of a name')
  .addOption(dataDirOption())
  .action((contact: string, opts: { dataDir?: string }) => firstRequestCommand(configFor(opts), contact));

program
  .command('nurture')
  .description('keep in touch with a contact: a check-in is drafted after drafts.checkInDays without contact')
  .argument('<contact>', 'contact id, address, or part of a name')
  .option('--off', 'stop check-ins for this contact')
  .addOption(dataDirOption())
  .action((contact: string, opts: { off?: boolean; dataDir?: string }) => nurtureCommand(configFor(opts), contact, !opts.off));

program
  .command('merge')
  .description('one person under two contacts (a work and a personal address, a new job): the second joins the first')
  .argument('<contact>', 'the contact to keep: id, address, or part of a name')
  .argument('<other>', 'the contact that joins it, with its addresses and log')
  .addOption(dataDirOption())
  .action((contact: string, other: string, opts: { dataDir?: string }) => mergeCommand(configFor(opts), contact, other));

program
  .command('details')
  .description('show or correct the name drafts greet a contact by, their job title, and how you got their name')
  .argument('<contact>', 'contact id, address, or part of a name')
  .option('--name <name>', 'the name to use ("" goes back to the name in their mail)')
  .option('--title <title>', 'their job title ("" clears it)')
  .option('--source <text>', 'how you got their name, as requests to meet say it: "the alumni directory" ("" goes back to what rapport noted)')
  .addOption(dataDirOption())
  .action((contact: string, opts: { name?: string; title?: string; source?: string; dataDir?: string }) =>
    detailsCommand(configFor(opts), contact, { name: opts.name, title: opts.title, source: opts.source }));

program
  .command('duplicates')
  .description('contacts that may be one person (the same full name, or addresses differing only in punctuation), with the merge for each')
  .option('--json', 'print JSON')
  .addOption(dataDirOption())
  .action((opts: { json?: boolean; dataDir?: string }) => duplicatesCommand(configFor(opts), Boolean(opts.json)));

program
  .command('note')
  .description('write what was discussed (a call, a meeting, a chat) into a contact\'s log')
  .argument('<contact>', 'contact id, address, or part of a name')
  .argument('<text>', 'the note (quote it)')
  .option('--at <time>', 'when it happened (default: now): ISO 8601, or "YYYY-MM-DD HH:MM" in your time zone')
  .addOption(dataDirOption())
  .action((contact: string, text: string, opts: { at?: string; dataDir?: string }) => noteCommand(configFor(opts), contact, text, opts));

program
  .command('worker')
  .description('run workers only (any number of processes, on any number of machines, sharing one Redis and one PostgreSQL)')
  .option('--queues <names>', 'comma-separated queues to serve: sync, plan, deliver (default: all)')
  .option('--concurrency <n>', 'jobs at once per queue', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
    return n;
  })
  .addOption(dataDirOption())
  .action((opts: { queues?: string; concurrency?: number; dataDir?: string }) => workerCommand(configFor(opts), opts));

program
  .command('web')
  .description('run the web server only (approval page, sign-ins, webhooks); workers run elsewhere')
  .addOption(dataDirOption())
  .action((opts: { dataDir?: string }) => webCommand(configFor(opts)));

const targets = program.command('targets').description('your target list: people to ask for an informational conversation');

targets
  .command('import')
  .description('add people from a CSV file (name, email, company, source, referrer, field; header row optional) and draft requests to them, drafts.outreachPerDay a day')
  .argument('<file>', 'CSV file')
  .addOption(dataDirOption())
  .action((file: string, opts: { dataDir?: string }) => targetsImportCommand(configFor(opts), file));

program
  .command('demo')
  .description("see rapport work on a made-up student's mailbox, without an account: emulated Gmail, every worker, the page")
  .addOption(dataDirOption())
  .action(async (opts: { dataDir?: string }) => {
    const { demoCommand } = await import('./cli/demo-command.ts');
    await demoCommand(configFor({}), { dataDir: opts.dataDir });
  });

const emulate = program.command('emulate').description('local emulators of provider APIs, for trying rapport without a real account');

emulate
  .command('google')
  .description('serve a Gmail and Google Calendar emulator, seeded from a folder of messages and .ics files')
  .option('--port <port>', 'port to listen on', (v) => Number(v), 4010)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--seed <dir>', 'folder of raw messages (.eml, maildir, .mbox) and .ics files')
  .option('--user <address>', 'whose mailbox the seed is (default: who sent the most messages)')
  .action(async (opts: { port: number; host: string; seed?: string; user?: string }) => {
    const { emulateGoogleCommand } = await import('./cli/emulate-command.ts');
    await emulateGoogleCommand(opts);
  });

emulate
  .command('graph')
  .description('serve a Microsoft Graph (Outlook mail, calendar, sign-in) emulator, seeded from a folder of messages and .ics files')
  .option('--port <port>', 'port to listen on', (v) => Number(v), 4020)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--seed <dir>', 'folder of raw messages (.eml, maildir, .mbox) and .ics files')
  .option('--user <address>', 'whose mailbox the seed is (default: who sent the most messages)')
  .action(async (opts: { port: number; host: string; seed?: string; user?: string }) => {
    const { emulateGraphCommand } = await import('./cli/emulate-command.ts');
    await emulateGraphCommand(opts);
  });

// `rapport contacts | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}

/** Prints what went wrong and what to do; returns the exit code. */
function reportError(err: unknown): number {
  if (err instanceof InvalidArgumentError) throw err;
  const known =
    err instanceof ConfigError ||
    err instanceof ServiceUnavailableError ||
    err instanceof InvalidInputError ||
    err instanceof NotFoundError;
  process.stderr.write(`rapport: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!known && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return err instanceof ConfigError || err instanceof InvalidInputError ? 2 : 1;
}
