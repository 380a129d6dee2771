/**
 * Delta rounds for folder delta (C.2) and calendarView delta (D.1). A round compares what
 * a scope (one folder, one calendar window) holds now with the snapshot its deltaLink
 * remembered: new or changed items are upserts, missing ones `@removed`. The round's
 * change list is fixed when it starts and served in pages through `$skiptoken`s; the last
 * page carries a `$deltatoken` holding the new snapshot. Tokens are kept server-side, so
 * replaying any of them gives the same answer, until `expire` or the retention makes them 410.
 */

/** What a snapshot remembers of one item: its version and the ids a removal is reported under. */
export interface SnapshotEntry {
  version: string;
  id: string;
  immutableId: string;
}

export type Snapshot = ReadonlyMap<string, SnapshotEntry>;

export interface Change {
  key: string;
  removed: SnapshotEntry | null;
}

/** The query a token keeps (window, filter, select), opaque to this module. */
export type DeltaQuery = Record<string, unknown>;

interface Base {
  /** e.g. `sam@example.com|folder:inbox`; expiry works per user prefix. */
  scope: string;
  user: string;
  epoch: number;
  issuedMs: number;
  query: DeltaQuery;
  /** Path of the initial request, for `410 + Location`. */
  initialPath: string;
}

interface Round extends Base {
  changes: Change[];
  next: Snapshot;
}

type TokenState = { kind: 'skip'; round: Round; offset: number } | ({ kind: 'delta'; snapshot: Snapshot } & Base);

export type Resolved = { round: Round; offset: number } | { expired: true; initialPath: string; withLocation: boolean };

export class DeltaTokens {
  private readonly tokens = new Map<string, TokenState>();
  private readonly epochs = new Map<string, number>();
  private readonly locationMode = new Set<string>();
  private counter = 0;

  constructor(
    private readonly now: () => number,
    private readonly retentionMs: number,
  ) {}

  /** Every token of the user becomes 410 on next use. */
  expire(user: string, withLocation: boolean): void {
    this.epochs.set(user, this.epoch(user) + 1);
    if (withLocation) this.locationMode.add(user);
    else this.locationMode.delete(user);
  }

  /** A first round: everything in `current` is an upsert. */
  initial(base: Omit<Base, 'epoch' | 'issuedMs'>, current: Snapshot): { round: Round; offset: number } {
    return { round: this.round(base, new Map(), current), offset: 0 };
  }

  /** Looks up a `$skiptoken` or `$deltatoken`; a delta token starts a round against `current(query)`. */
  resolve(token: string, user: string, current: (query: DeltaQuery) => Snapshot): Resolved | null {
    const state = this.tokens.get(token);
    if (!state) return null;
    const base = state.kind === 'skip' ? state.round : state;
    if (base.user !== user) return null;
    if (base.epoch !== this.epoch(user) || base.issuedMs + this.retentionMs < this.now()) {
      return { expired: true, initialPath: base.initialPath, withLocation: this.locationMode.has(user) };
    }
    if (state.kind === 'skip') return { round: state.round, offset: state.offset };
    const { kind: _k, snapshot, ...rest } = state;
    return { round: this.round(rest, snapshot, current(state.query)), offset: 0 };
  }

  /** The changes of one page and the token of the next page (`skip`) or of the next round (`delta`). */
  page(at: { round: Round; offset: number }, size: number): { changes: Change[]; skipToken: string | null; deltaToken: string | null } {
    const { round, offset } = at;
    const changes = round.changes.slice(offset, offset + size);
    if (offset + size < round.changes.length) {
      return { changes, skipToken: this.store({ kind: 'skip', round, offset: offset + size }), deltaToken: null };
    }
    const { changes: _c, next, ...base } = round;
    return { changes, skipToken: null, deltaToken: this.store({ kind: 'delta', ...base, snapshot: next, issuedMs: this.now() }) };
  }

  private round(base: Omit<Base, 'epoch' | 'issuedMs'>, before: Snapshot, current: Snapshot): Round {
    const changes: Change[] = [];
    for (const [key, entry] of current) if (before.get(key)?.version !== entry.version) changes.push({ key, removed: null });
    for (const [key, entry] of before) if (!current.has(key)) changes.push({ key, removed: entry });
    return { ...base, epoch: this.epoch(base.user), issuedMs: this.now(), changes, next: current };
  }

  private store(state: TokenState): string {
    this.counter += 1;
    const token = `${state.kind === 'skip' ? 'Sk' : 'Dt'}Emu${this.counter.toString(36).padStart(5, '0')}${Buffer.from(state.kind === 'skip' ? state.round.scope : state.scope).toString('base64url').slice(0, 12)}`;
    this.tokens.set(token, state);
    return token;
  }

  private epoch(user: string): number {
    return this.epochs.get(user) ?? 0;
  }
}
