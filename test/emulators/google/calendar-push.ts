/**
 * Calendar push channels (B.4): events.watch registers a web_hook address; the emulator
 * POSTs header-only notifications to it, `sync` first, then `exists` after each change,
 * in order per channel, with the message number increasing. Channels end at expiry or stop.
 */
import type { EmulatorClock } from './clock.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import type { HexIds } from './ids.ts';

const DEFAULT_TTL_S = 604_800;

interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  owner: string;
  address: string;
  token: string | null;
  expiresAtMs: number;
  messageNumber: number;
  /** Deliveries run one after another so numbers arrive in order. */
  queue: Promise<void>;
}

export class CalendarChannels {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(private readonly deps: { clock: EmulatorClock; resourceIds: HexIds; baseUrl: () => string }) {}

  watch(owner: string, body: Record<string, unknown>): Record<string, unknown> {
    const id = typeof body['id'] === 'string' ? body['id'] : '';
    const address = typeof body['address'] === 'string' ? body['address'] : '';
    if (!id) throw badRequest('Missing channel id.', 'required');
    if (body['type'] !== 'web_hook' && body['type'] !== 'webhook') throw badRequest('Invalid channel type.', 'invalid');
    if (!/^https?:\/\//.test(address)) throw badRequest('Invalid channel address.', 'invalid');
    const existing = this.channels.get(id);
    if (existing && existing.expiresAtMs > this.deps.clock.now()) {
      throw new ApiError(400, `Channel id ${id} not unique`, 'INVALID_ARGUMENT', [
        { domain: 'global', reason: 'channelIdNotUnique', message: `Channel id ${id} not unique` },
      ]);
    }
    const params = (body['params'] ?? {}) as Record<string, unknown>;
    const ttlSeconds = Number(params['ttl'] ?? DEFAULT_TTL_S);
    const channel: Channel = {
      id,
      resourceId: this.deps.resourceIds.nextId(),
      resourceUri: `${this.deps.baseUrl()}calendar/v3/calendars/${encodeURIComponent(owner)}/events?alt=json`,
      owner,
      address,
      token: typeof body['token'] === 'string' ? body['token'] : null,
      expiresAtMs: this.deps.clock.now() + (Number.isFinite(ttlSeconds) && ttlSeconds > 0 ? ttlSeconds : DEFAULT_TTL_S) * 1000,
      messageNumber: 0,
      queue: Promise.resolve(),
    };
    this.channels.set(id, channel);
    this.notify(channel, 'sync');
    return {
      kind: 'api#channel',
      id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== null ? { token: channel.token } : {}),
      expiration: String(channel.expiresAtMs),
    };
  }

  stop(body: Record<string, unknown>): void {
    const channel = this.channels.get(String(body['id'] ?? ''));
    if (!channel || channel.resourceId !== body['resourceId']) throw notFound(`Channel '${String(body['id'])}' not found for project`);
    this.channels.delete(channel.id);
  }

  onChange(owner: string): void {
    for (const channel of this.channels.values()) {
      if (channel.owner !== owner) continue;
      if (channel.expiresAtMs <= this.deps.clock.now()) this.channels.delete(channel.id);
      else this.notify(channel, 'exists');
    }
  }

  /** Waits for queued deliveries (tests use it through close). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.channels.values()].map((c) => c.queue));
  }

  private notify(channel: Channel, state: 'sync' | 'exists'): void {
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': new Date(channel.expiresAtMs).toUTCString(),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(++channel.messageNumber),
    };
    if (channel.token !== null) headers['X-Goog-Channel-Token'] = channel.token;
    channel.queue = channel.queue.then(() => this.post(channel.address, headers));
  }

  private async post(address: string, headers: Record<string, string>): Promise<void> {
    if (this.closed) return;
    try {
      const res = await fetch(address, { method: 'POST', headers, body: '', signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
    } catch {
      // Google does not tell the sender either; the receiver relies on its fallback poll.
    }
  }
}
