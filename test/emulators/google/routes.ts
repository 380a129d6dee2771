/**
 * The route table type: each API route names its method, path pattern, which quota it
 * counts against, its cost in units and the scopes that allow it.
 */
import type { ApiRequest, ApiResponse } from './http-io.ts';

export interface RouteContext {
  req: ApiRequest;
  /** Named groups of the route's pattern, percent-decoded. */
  params: Record<string, string>;
  /** The authenticated user (lower-case address). */
  user: string;
  scopes: ReadonlySet<string>;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Gmail calls count against the per-user Gmail quota; calendar calls are only logged. */
  api: 'gmail' | 'calendar';
  units: number;
  /** Any one of these lets the call through. */
  scopes: readonly string[];
  handle(ctx: RouteContext): ApiResponse | Promise<ApiResponse>;
}

/** A route under a path prefix (a regexp source such as `^/gmail/v1/users/(?<userId>[^/]+)`). */
export function defineRoute(
  prefix: string,
  api: Route['api'],
  method: string,
  path: string,
  units: number,
  scopes: readonly string[],
  handle: Route['handle'],
): Route {
  return { method, pattern: new RegExp(`${prefix}${path}$`), api, units, scopes, handle };
}

/** The route for a method and path, with its decoded path parameters. */
export function findRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      if (value !== undefined) params[name] = safeDecode(value);
    }
    return { route, params };
  }
  return null;
}

/** Whether any route serves this path (to tell 404 from 405-like mismatches). */
export function hasPath(routes: readonly Route[], path: string): boolean {
  return routes.some((r) => r.pattern.test(path));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
