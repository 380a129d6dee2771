/**
 * The one query interface over both engines rapport runs on: embedded PGlite (the
 * default, nothing to install) and a PostgreSQL server (when DATABASE_URL is set).
 * Both speak the same SQL dialect, so repositories are written once.
 */
export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: everything it wrote is kept, or nothing is. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements with no parameters (migrations). */
  execScript(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * PostgreSQL text cannot hold NUL characters, and broken mail does contain them: they
 * are dropped from every string parameter, in one place for both engines.
 */
export function sqlParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  return params?.map(withoutNul);
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  return value;
}

/** A value as a JSON parameter (for `jsonb_to_recordset`), without NUL characters. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? withoutNul(v) : v));
}
