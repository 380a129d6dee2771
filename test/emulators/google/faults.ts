/**
 * Injected faults: rules matched against `${METHOD} ${path}`, firing at a rate drawn from a
 * seeded generator (so runs repeat), optionally only for the next N matches.
 */
import { backendError, userRateLimit403, userRateLimitExceeded, type ApiError } from './errors.ts';
import { seededRandom } from './ids.ts';
import type { FaultRule } from './types.ts';

interface ActiveRule {
  id: string;
  rule: FaultRule;
  random: () => number;
  remaining: number | null;
}

export type FaultAction = { kind: 'error'; error: ApiError } | { kind: 'latency'; ms: number } | { kind: 'drop' };

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    const rate = rule.rate ?? 1;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate must be within 0..1, got ${rate}`);
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0)) {
      throw new RangeError(`fault count must be a positive integer, got ${rule.count}`);
    }
    const id = `fault-${this.nextId++}`;
    this.rules.push({ id, rule, random: seededRandom(rule.seed ?? 1), remaining: rule.count ?? null });
    return id;
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The fault for this request, if a rule fires. `isApiCall` false (OAuth endpoints) only
   * matches rules with an explicit `match`.
   */
  pick(method: string, path: string, isApiCall: boolean, nowMs: number): FaultAction | null {
    const key = `${method} ${path}`;
    for (const active of this.rules) {
      const { rule } = active;
      if (!rule.match && !isApiCall) continue;
      if (rule.match) {
        rule.match.lastIndex = 0;
        if (!rule.match.test(key)) continue;
      }
      if (active.random() >= (rule.rate ?? 1)) continue;
      if (active.remaining !== null && --active.remaining === 0) this.rules = this.rules.filter((r) => r !== active);
      return actionFor(rule, nowMs);
    }
    return null;
  }
}

function actionFor(rule: FaultRule, nowMs: number): FaultAction {
  switch (rule.kind) {
    case '429': {
      const seconds = rule.retryAfterSeconds;
      const error = userRateLimitExceeded(nowMs + (seconds ?? 1) * 1000);
      if (seconds !== undefined) error.headers['retry-after'] = String(seconds);
      return { kind: 'error', error };
    }
    case '403-rate':
      return { kind: 'error', error: userRateLimit403() };
    case '500':
      return { kind: 'error', error: backendError(500) };
    case '503':
      return { kind: 'error', error: backendError(503) };
    case 'latency':
      return { kind: 'latency', ms: rule.latencyMs ?? 1000 };
    case 'drop':
      return { kind: 'drop' };
  }
}
