/**
 * Graph routes: a method, a pattern over the normalised path (`/me/…`, with `('x')` key
 * segments turned into `/x` and `/users/{self}` into `/me`) and a handler.
 */
import { GraphApiError } from './errors.ts';
import type { ApiRequest, ApiResponse } from './http.ts';

export interface GraphContext {
  req: ApiRequest;
  /** Named groups of the pattern, percent-decoded. */
  params: Record<string, string>;
  /** The mailbox of the bearer token. */
  user: string;
  /** The path as requested, after `/v1.0` (for links that repeat it). */
  rawPath: string;
}

export interface GraphRoute {
  method: string;
  pattern: RegExp;
  handle(ctx: GraphContext): ApiResponse | Promise<ApiResponse>;
}

export function route(method: string, path: string, handle: GraphRoute['handle']): GraphRoute {
  return { method, pattern: new RegExp(`^${path}$`), handle };
}

/**
 * `/users/{id or address}/…` of the token's own user becomes `/me/…` (403 for another
 * mailbox); `mailFolders('inbox')` becomes `mailFolders/inbox`.
 */
export function normalisePath(rawPath: string, user: string, userObjectId: string): string {
  let path = safeDecode(rawPath).replace(/\('([^']*)'\)/g, '/$1').replace(/\(([^)'/]+)\)/g, '/$1');
  const m = /^\/users\/([^/]+)(\/.*)?$/i.exec(path);
  if (m) {
    const who = (m[1] ?? '').toLowerCase();
    if (who !== user && who !== userObjectId) throw new GraphApiError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    path = `/me${m[2] ?? ''}`;
  }
  return path;
}

export function findRoute(routes: readonly GraphRoute[], method: string, path: string): { route: GraphRoute; params: Record<string, string> } | 'method' | null {
  let pathMatched = false;
  for (const r of routes) {
    const match = r.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    return { route: r, params: { ...(match.groups ?? {}) } };
  }
  return pathMatched ? 'method' : null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
