/**
 * The running emulator: wires stores, the identity platform, throttle, faults,
 * subscriptions and routes together and implements the control API.
 */
import type { Server } from 'node:http';
import { EmulatorClock } from '../google/clock.ts';
import { FaultInjector } from '../google/faults.ts';
import { readSeedFolder } from '../google/seed.ts';
import { eventJson, calendarRoutes } from './calendar-routes.ts';
import { GraphCalendar } from './calendar-store.ts';
import { DeltaTokens } from './delta.ts';
import { listen } from './http.ts';
import { IdentityPlatform, objectIdOf, TENANT_ID } from './identity.ts';
import { calendarPartOf } from './mail-format.ts';
import { mailReadRoutes } from './mail-read-routes.ts';
import { MailStore, type StoredMessage } from './mail-store.ts';
import { mailWriteRoutes } from './mail-write-routes.ts';
import { seedEvents, seedMail } from './seed.ts';
import { Pipeline } from './server.ts';
import { Subscriptions } from './subscriptions.ts';
import { MailboxThrottle } from './throttle.ts';
import type { EmulatedGraphMessage, FaultRule, GraphEmulator, GraphEmulatorOptions, GraphEventInput, GraphRequestLogEntry } from './types.ts';

const DEFAULT_CLIENTS = { 'rapport-test': 'rapport-test-secret' };
const WEEK_MS = 7 * 86_400_000;

interface UserState {
  mail: MailStore;
  calendar: GraphCalendar;
}

export class RunningGraphEmulator implements GraphEmulator {
  readonly requestLog: GraphRequestLogEntry[] = [];
  private baseUrl = '';
  private server: Server | null = null;
  private readonly clock: EmulatorClock;
  private readonly users = new Map<string, UserState>();
  private consentUser: string | null = null;
  private readonly counters = { rest: 0, immutable: 0, conversation: 0, event: 0, rfc: 0 };
  private readonly identity: IdentityPlatform;
  private readonly throttle: MailboxThrottle;
  private readonly faults = new FaultInjector();
  private readonly delta: DeltaTokens;
  private readonly subscriptions: Subscriptions;
  private readonly pipeline: Pipeline;

  constructor(private readonly options: GraphEmulatorOptions = {}) {
    this.clock = new EmulatorClock(options.now);
    const now = () => this.clock.now();
    this.identity = new IdentityPlatform(options.clients ?? DEFAULT_CLIENTS, {
      now,
      consentUser: () => this.consentUser ?? this.users.keys().next().value ?? null,
      isUser: (email) => this.users.has(email),
    });
    this.throttle = new MailboxThrottle(
      options.maxConcurrentPerMailbox ?? 4,
      options.requestsPer10Minutes === undefined ? 10_000 : options.requestsPer10Minutes,
      options.throttleWindowMs,
    );
    this.delta = new DeltaTokens(now, options.deltaRetentionMs ?? WEEK_MS);
    this.subscriptions = new Subscriptions({
      clock: this.clock,
      tenantId: TENANT_ID,
      objectIdOf,
      folderKey: (email, folder) => this.user(email).mail.folder(folder).key,
      maxMinutes: options.subscriptionMaxMinutes ?? 10_080,
      validationTimeoutMs: options.validationTimeoutMs ?? 10_000,
      notificationTimeoutMs: options.notificationTimeoutMs ?? 3_000,
    });
    const linkOrigin = (options.linkOrigin ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    const link = (pathAndQuery: string) => `${linkOrigin}/v1.0${pathAndQuery}`;
    const pageSize = options.maxPageSize ?? 10;
    const mailOf = (email: string) => this.user(email).mail;
    const routes = [
      ...mailReadRoutes({ mailOf, profileOf: (email) => this.profile(email), delta: this.delta, defaultPageSize: pageSize, link }),
      ...mailWriteRoutes({
        mailOf,
        now,
        newInternetMessageId: () => `EMU${(++this.counters.rfc).toString(36).padStart(8, '0').toUpperCase()}@emu.prod.outlook.com`,
        deliver: (raw, recipients) => {
          for (const to of recipients) if (this.users.has(to)) this.insertMessage(to, raw);
        },
      }),
      ...calendarRoutes({ calendarOf: (email) => this.user(email).calendar, delta: this.delta, defaultPageSize: pageSize, link }),
      ...this.subscriptions.routes(),
    ];
    this.pipeline = new Pipeline({
      routes, identity: this.identity, faults: this.faults, throttle: this.throttle, clock: this.clock, log: this.requestLog, baseUrl: () => this.baseUrl,
    });
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<void> {
    const { server, url } = await listen((req) => this.pipeline.handle(req), this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    this.server = server;
    this.baseUrl = url;
  }

  async close(): Promise<void> {
    this.subscriptions.close();
    this.clock.stop();
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
    const mail = new MailStore(key, {
      now,
      nextId: (kind) => this.nextId(kind),
      onChange: (change, m, folder) => this.subscriptions.onChange(key, 'message', change, { id: m.restId, immutableId: m.immutableId }, folder),
    });
    const calendar = new GraphCalendar(key, {
      now,
      nextId: () => `AAMkAGEmuEvent${(++this.counters.event).toString(36).padStart(8, '0')}`,
      onChange: (event, change) => this.subscriptions.onChange(key, 'event', change, { id: event.id, immutableId: event.id }),
    });
    this.users.set(key, { mail, calendar });
  }

  issueRefreshToken(email: string, clientId?: string): string {
    return this.identity.issueRefreshToken(this.user(email).mail.email, clientId ?? this.identity.defaultClientId);
  }

  issueAccessToken(email: string): string {
    return this.identity.issueAccessToken(this.user(email).mail.email, this.identity.defaultClientId);
  }

  revokeTokens(email: string): void {
    this.identity.revokeUser(this.user(email).mail.email);
  }

  setTokenError(kind: 'invalid_grant' | 'interaction_required' | null): void {
    this.identity.setTokenError(kind);
  }

  setConsentUser(email: string): void {
    this.consentUser = this.user(email).mail.email;
  }

  insertMessage(email: string, raw: Buffer | string, opts: { folder?: string; receivedDateTime?: Date } = {}): { id: string; immutableId: string; conversationId: string } {
    const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const folder = opts.folder ?? 'inbox';
    const state = this.user(email);
    const message = state.mail.insert({ raw: bytes, folder, receivedMs: opts.receivedDateTime?.getTime() ?? this.clock.now(), isDraft: folder === 'drafts' });
    // Outlook puts an arriving invitation on the calendar (and a cancellation takes it off).
    const ics = folder === 'inbox' ? calendarPartOf(message) : null;
    if (ics) seedEvents(state.calendar, [ics], this.clock.now());
    return { id: message.restId, immutableId: message.immutableId, conversationId: message.conversationId };
  }

  deleteMessage(email: string, id: string): void {
    const mail = this.user(email).mail;
    mail.remove(mail.get(id));
  }

  moveMessage(email: string, id: string, folder: string): { id: string } {
    const mail = this.user(email).mail;
    return { id: mail.move(mail.get(id), folder).restId };
  }

  messages(email: string): EmulatedGraphMessage[] {
    return this.user(email).mail.all().map((m) => ({
      id: m.restId, immutableId: m.immutableId, folder: m.folder, conversationId: m.conversationId,
      internetMessageId: m.internetMessageId, isDraft: m.isDraft, raw: m.raw,
    }));
  }

  expireDeltaTokens(email: string, opts: { withLocation?: boolean } = {}): void {
    this.delta.expire(this.user(email).mail.email, opts.withLocation ?? false);
  }

  async seedFromFolder(email: string, dir: string): Promise<{ messages: number; events: number }> {
    const state = this.user(email);
    const folder = await readSeedFolder(dir);
    return { messages: seedMail(state.mail, folder.messages, this.clock.now()), events: seedEvents(state.calendar, folder.calendars, this.clock.now()) };
  }

  insertEvent(email: string, event: GraphEventInput): { id: string } {
    return { id: this.user(email).calendar.insert(event).id };
  }

  updateEvent(email: string, id: string, patch: Partial<GraphEventInput>): void {
    this.user(email).calendar.update(id, patch);
  }

  cancelEvent(email: string, id: string): void {
    this.user(email).calendar.cancel(id);
  }

  events(email: string): unknown[] {
    const calendar = this.user(email).calendar;
    return calendar.all().map((e) => eventJson(e, calendar.owner));
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

  maxConcurrentSeen(email: string): number {
    return this.throttle.maxConcurrentSeen(email.toLowerCase());
  }

  fireLifecycle(email: string, event: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired'): Promise<void> {
    return this.subscriptions.fireLifecycle(this.user(email).mail.email, event);
  }

  notifyNow(email: string, opts: { duplicate?: number; clientState?: string } = {}): Promise<void> {
    const mail = this.user(email).mail;
    const newest = mail.all().sort((a, b) => b.receivedMs - a.receivedMs)[0] as StoredMessage | undefined;
    return this.subscriptions.notifyNow(mail.email, newest ? { id: newest.restId, immutableId: newest.immutableId } : null, opts);
  }

  private profile(email: string): Record<string, unknown> {
    const local = email.split('@')[0] ?? email;
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      id: objectIdOf(email), displayName: local, givenName: local, surname: null, mail: email, userPrincipalName: email,
      businessPhones: [], jobTitle: null, mobilePhone: null, officeLocation: null, preferredLanguage: 'en-US',
    };
  }

  private nextId(kind: 'rest' | 'immutable' | 'conversation'): string {
    const n = (++this.counters[kind]).toString(36).padStart(10, '0');
    return kind === 'rest' ? `AAMkAGEmuMsg${n}` : kind === 'immutable' ? `AAkALgEmuImm${n}` : `AAQkAGEmuConv${n}`;
  }

  private user(email: string): UserState {
    const state = this.users.get(email.toLowerCase());
    if (!state) throw new Error(`graph emulator: unknown user ${email} (call addUser first)`);
    return state;
  }
}
