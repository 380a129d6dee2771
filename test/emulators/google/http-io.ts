/**
 * The emulator's own request/response values, independent of node:http, so the batch
 * endpoint can run its parts through the same pipeline as real requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, OAuthError } from './errors.ts';

export interface ApiRequest {
  method: string;
  /** Path without the query, percent-decoding left to the routes. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Tells the server to destroy the socket without answering (a 'drop' fault). */
export const DROP = Symbol('drop');
export type Outcome = ApiResponse | typeof DROP;

const JSON_TYPE = 'application/json; charset=UTF-8';

export function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

export function emptyResponse(status = 204): ApiResponse {
  return { status, headers: {}, body: Buffer.alloc(0) };
}

export function errorResponse(error: ApiError | OAuthError): ApiResponse {
  const headers = error instanceof ApiError ? error.headers : {};
  return jsonResponse(error.toJSON(), error.status, headers);
}

export async function readRequest(req: IncomingMessage): Promise<ApiRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: Buffer.concat(chunks) };
}

export function writeResponse(res: ServerResponse, response: ApiResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
  res.end(response.body);
}

/** The JSON body as an object; 400 when it is not one. An empty body is `{}`. */
export function jsonBody(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw badRequest('Invalid JSON payload received.', 'parseError');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Invalid JSON payload received. Expected an object.', 'parseError');
  }
  return value as Record<string, unknown>;
}

/** An integer query parameter within [min, max]; 400 outside, `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`Invalid value '${text}' for ${name}: must be an integer from ${min} to ${max}.`);
  }
  return value;
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const text = query.get(name);
  if (text === null || text === 'false') return false;
  if (text === 'true' || text === '') return true;
  throw badRequest(`Invalid value '${text}' for ${name}: must be true or false.`);
}

/** Repeated parameters; also splits comma lists, which some clients send. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** base64url without padding, as Gmail writes `body.data` and `raw`. */
export function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Accepts base64url or standard base64, padded or not. */
export function fromBase64(text: string): Buffer {
  return Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}
