/**
 * The running emulator: wires the stores, OAuth, quota, faults, push and routes together
 * and implements the control API tests and the benchmark use.
 */
import type { Server } from 'node:http';
import { eventJson } from './calendar-format.ts';
import { CalendarChannels } from './calendar-push.ts';
import { calendarRoutes } from './calendar-routes.ts';
import { CalendarStore } from './calendar-store.ts';
import { EmulatorClock } from './clock.ts';
import { FaultInjector } from './faults.ts';
import { Composer } from './gmail-compose.ts';
import { gmailReadRoutes } from './gmail-read-routes.ts';
import { Mailbox } from './gmail-store.ts';
import { gmailWriteRoutes } from './gmail-write-routes.ts';
import { seedCalendar } from './ics.ts';
import { HexIds, PrefixedIds } from './ids.ts';
import { readFacts } from './message-facts.ts';
import { OAuthServer } from './oauth.ts';
import { threadForIncoming } from './outgoing.ts';
import { GmailPush } from './push.ts';
import { QuotaMeter } from './quota.ts';
import { ALL_SCOPES } from './scopes.ts';
import { readSeedFolder, seedMessages } from './seed.ts';
import { listen, Pipeline } from './server.ts';
import type { CalendarEventInput, EmulatedMessage, FaultRule, GoogleEmulator, GoogleEmulatorOptions, RequestLogEntry } from './types.ts';

/** Series are expanded this far ahead of the clock. */
const HORIZON_MS = 2 * 366 * 86_400_000;
const DEFAULT_CLIENTS = { 'rapport-test': 'rapport-test-secret' };

interface UserState {
  mailbox: Mailbox;
  calendar: CalendarStore;
}

export class RunningGoogleEmulator implements GoogleEmulator {
  readonly requestLog: RequestLogEntry[] = [];
  private baseUrl = '';
  private server: Server | null = null;
  private readonly clock: EmulatorClock;
  private readonly users = new Map<string, UserState>();
  private consentUser: string | null = null;
  private readonly ids = {
    messages: new HexIds(0x18f0000000000001n),
    drafts: new PrefixedIds('r'),
    tokens: new HexIds(0x5a0000000000001n),
    events: new HexIds(0x7c00000000000001n),
    resources: new HexIds(0x4e00000000000001n),
    rfc: new HexIds(0x1000000000001n),
  };
  private readonly oauth: OAuthServer;
  private readonly quota: QuotaMeter;
  private readonly faults = new FaultInjector();
  private readonly push: GmailPush;
  private readonly channels: CalendarChannels;
  private readonly pipeline: Pipeline;

  constructor(private readonly options: GoogleEmulatorOptions = {}) {
    this.clock = new EmulatorClock(options.now);
    const now = () => this.clock.now();
    this.oauth = new OAuthServer(options.clients ?? DEFAULT_CLIENTS, {
      now,
      ids: this.ids.tokens,
      consentUser: () => this.consentUser ?? this.users.keys().next().value ?? null,
    });
    this.quota = new QuotaMeter(options.unitsPerSecond === undefined ? 250 : options.unitsPerSecond);
    this.push = new GmailPush({ clock: this.clock, pushUrl: options.pubsubPushUrl, headOf: (email) => this.user(email).mailbox.history.head });
    this.channels = new CalendarChannels({ clock: this.clock, resourceIds: this.ids.resources, baseUrl: () => this.baseUrl });
    const mailboxOf = (email: string) => this.user(email).mailbox;
    const composer = new Composer({
      mailboxOf,
      nowMs: now,
      newRfcMessageId: () => `CAEmu${this.ids.rfc.nextId()}@mail.gmail.com`,
      deliver: (raw, recipients) => {
        for (const to of recipients) if (this.users.has(to)) this.insertMessage(to, raw);
      },
    });
    const routes = [
      ...gmailReadRoutes({ mailboxOf, nowMs: now }),
      ...gmailWriteRoutes({ mailboxOf, composer, push: this.push, nowMs: now }),
      ...calendarRoutes({ calendarOf: (email) => this.user(email).calendar, channels: this.channels, nowMs: now, horizonMs: () => now() + HORIZON_MS }),
    ];
    this.pipeline = new Pipeline({ routes, oauth: this.oauth, faults: this.faults, quota: this.quota, clock: this.clock, log: this.requestLog });
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<void> {
    const { server, url } = await listen(this.pipeline, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    this.server = server;
    this.baseUrl = url;
  }

  async close(): Promise<void> {
    this.push.close();
    this.clock.stop();
    await this.channels.close();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }

  addUser(email: string): void {
    const key = email.toLowerCase();
    if (this.users.has(key)) return;
    const now = () => this.clock.now();
    this.users.set(key, {
      mailbox: new Mailbox(key, {
        messageIds: this.ids.messages,
        draftIds: this.ids.drafts,
        now,
        onChange: (labelIds) => this.push.onChange(key, labelIds),
      }),
      calendar: new CalendarStore(key, {
        eventIds: this.ids.events,
        now,
        horizonMs: () => now() + HORIZON_MS,
        onChange: () => this.channels.onChange(key),
      }),
    });
  }

  issueRefreshToken(email: string, clientId?: string, scopes?: string[]): string {
    const key = this.user(email).mailbox.email;
    return this.oauth.issueRefreshToken(key, clientId ?? this.oauth.defaultClientId, scopes ?? ALL_SCOPES);
  }

  revokeTokens(email: string): void {
    this.oauth.revokeUser(this.user(email).mailbox.email);
  }

  setGrantedScopes(scopes: string[] | null): void {
    this.oauth.setGrantedScopes(scopes);
  }

  setConsentUser(email: string): void {
    this.consentUser = this.user(email).mailbox.email;
  }

  insertMessage(email: string, raw: Buffer | string, opts: { labelIds?: string[]; internalDate?: Date } = {}): { id: string; threadId: string } {
    const mailbox = this.user(email).mailbox;
    const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const threadId = threadForIncoming(mailbox, readFacts(bytes));
    const message = mailbox.insert({
      raw: bytes,
      labelIds: opts.labelIds ?? ['INBOX', 'UNREAD'],
      internalDate: opts.internalDate?.getTime() ?? this.clock.now(),
      ...(threadId ? { threadId } : {}),
    });
    return { id: message.id, threadId: message.threadId };
  }

  deleteMessage(email: string, id: string): void {
    this.user(email).mailbox.remove(id);
  }

  modifyLabels(email: string, id: string, add: string[], remove: string[]): void {
    this.user(email).mailbox.modify(id, add, remove);
  }

  messages(email: string): EmulatedMessage[] {
    return this.user(email).mailbox.all().map((m) => ({
      id: m.id, threadId: m.threadId, labelIds: [...m.labelIds], internalDate: new Date(m.internalDate), raw: m.raw,
    }));
  }

  expireHistory(email: string): void {
    this.user(email).mailbox.history.expire();
  }

  async seedFromFolder(email: string, dir: string): Promise<{ messages: number; events: number }> {
    const state = this.user(email);
    const folder = await readSeedFolder(dir);
    return {
      messages: seedMessages(state.mailbox, folder.messages, this.clock.now()),
      events: seedCalendar(state.calendar, folder.calendars),
    };
  }

  insertEvent(email: string, event: CalendarEventInput): { id: string } {
    return { id: this.user(email).calendar.insert(event).id };
  }

  updateEvent(email: string, id: string, patch: Partial<CalendarEventInput>): void {
    this.user(email).calendar.update(id, patch);
  }

  cancelEvent(email: string, id: string): void {
    this.user(email).calendar.cancel(id);
  }

  events(email: string): unknown[] {
    const calendar = this.user(email).calendar;
    return calendar.all().map((e) => eventJson(e, calendar.owner));
  }

  expireSyncTokens(email: string): void {
    this.user(email).calendar.expireSyncTokens();
  }

  addFault(rule: FaultRule): string {
    return this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  advanceClock(ms: number): void {
    this.clock.advance(ms);
  }

  unitsUsed(email: string): number {
    return this.quota.used(email.toLowerCase());
  }

  pushNow(email: string, opts: { duplicate?: number } = {}): Promise<void> {
    return this.push.pushNow(this.user(email).mailbox.email, 1 + (opts.duplicate ?? 0));
  }

  private user(email: string): UserState {
    const state = this.users.get(email.toLowerCase());
    if (!state) throw new Error(`google emulator: unknown user ${email} (call addUser first)`);
    return state;
  }
}
