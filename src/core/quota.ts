/**
 * A provider's per-account budget of request units, shared by every worker. `take`
 * resolves once `units` may be spent without going over the provider's limit.
 */
export interface QuotaGate {
  take(units: number): Promise<void>;
}

/** A gate that never waits: for tools and tests that talk to an unlimited emulator. */
export const OPEN_GATE: QuotaGate = { take: async () => {} };
