/**
 * Graph-flavoured responses on top of the Google emulator's request/response values
 * (`ApiRequest`, `ApiResponse`, `DROP`), and the node:http server around a handler.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DROP, readRequest, writeResponse, type ApiRequest, type ApiResponse, type Outcome } from '../google/http-io.ts';
import { badRequest } from './errors.ts';

export { DROP, type ApiRequest, type ApiResponse, type Outcome };

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

export function empty(status: number): ApiResponse {
  return { status, headers: {}, body: Buffer.alloc(0) };
}

/** The JSON body as an object; 400 when it is not one. An empty body is `{}`. */
export function jsonBody(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.', 'BadRequest');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('The request body must be a JSON object.', 'BadRequest');
  return value as Record<string, unknown>;
}

/** The `Prefer` header's preferences, lower-case names, quotes removed. */
export function preferences(req: ApiRequest): Map<string, string> {
  const prefs = new Map<string, string>();
  for (const item of (req.headers['prefer'] ?? '').split(',')) {
    const eq = item.indexOf('=');
    const name = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (name) prefs.set(name, eq === -1 ? '' : item.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  return prefs;
}

export function wantsImmutableIds(req: ApiRequest): boolean {
  return (preferences(req).get('idtype') ?? '').toLowerCase() === 'immutableid';
}

/** Starts node:http on a handler; resolves with the server and its base URL (trailing slash). */
export async function listen(handle: (req: ApiRequest) => Promise<Outcome>, port: number, host: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    readRequest(req)
      .then((request) => handle(request))
      .then((outcome) => {
        if (outcome === DROP) req.socket.destroy();
        else writeResponse(res, outcome);
      })
      .catch((err: unknown) => {
        console.error('graph emulator: request failed', err);
        if (!res.headersSent) writeResponse(res, json({ error: { code: 'InternalServerError', message: 'internal error' } }, 500));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${hostPart}:${address.port}/` };
}
