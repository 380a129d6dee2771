/**
 * JSON batching (C.8): `POST /v1.0/$batch` with at most 20 requests. Items run one by one
 * through the normal pipeline (each is logged, faulted and throttled on its own, so one
 * can be a 429 with its own Retry-After); an item whose `dependsOn` failed gets 424.
 */
import { badRequest, GraphApiError } from './errors.ts';
import { DROP, json, jsonBody, type ApiRequest, type ApiResponse, type Outcome } from './http.ts';

const MAX_REQUESTS = 20;

interface BatchItem {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: unknown;
}

export async function handleBatch(req: ApiRequest, run: (inner: ApiRequest) => Promise<Outcome>): Promise<ApiResponse | typeof DROP> {
  const requests = jsonBody(req)['requests'];
  if (!Array.isArray(requests)) throw badRequest('The batch request must have a requests array.', 'BadRequest');
  if (requests.length > MAX_REQUESTS) throw badRequest(`The number of batch requests exceeds the limit of ${MAX_REQUESTS}.`, 'BadRequest');
  const status = new Map<string, number>();
  const responses: unknown[] = [];
  for (const item of requests as BatchItem[]) {
    const id = String(item.id ?? '');
    const dependsOn = Array.isArray(item.dependsOn) ? item.dependsOn.map(String) : [];
    if (dependsOn.some((d) => (status.get(d) ?? 424) >= 400)) {
      status.set(id, 424);
      responses.push({ id, status: 424, headers: {}, body: { error: { code: 'FailedDependency', message: 'A dependent request in the batch failed.' } } });
      continue;
    }
    const inner = innerRequest(item, req.headers);
    const outcome = await run(inner);
    if (outcome === DROP) return DROP;
    status.set(id, outcome.status);
    responses.push({ id, status: outcome.status, headers: outcome.headers, ...bodyOf(outcome) });
  }
  return json({ responses });
}

function innerRequest(item: BatchItem, outer: Record<string, string>): ApiRequest {
  if (typeof item.url !== 'string' || typeof item.method !== 'string') throw new GraphApiError(400, 'BadRequest', 'Each batch request needs an id, a method and a url.');
  const url = new URL(`/v1.0/${item.url.replace(/^\/+/, '').replace(/^v1\.0\//, '')}`, 'http://emulator.invalid');
  const headers: Record<string, string> = {};
  if (outer['authorization']) headers['authorization'] = outer['authorization'];
  for (const [name, value] of Object.entries(item.headers ?? {})) headers[name.toLowerCase()] = String(value);
  let body = Buffer.alloc(0);
  if (typeof item.body === 'string') body = Buffer.from(item.body, 'utf8');
  else if (item.body !== undefined && item.body !== null) {
    body = Buffer.from(JSON.stringify(item.body));
    headers['content-type'] ??= 'application/json';
  }
  return { method: item.method.toUpperCase(), path: url.pathname, query: url.searchParams, headers, body };
}

function bodyOf(response: ApiResponse): { body?: unknown } {
  if (response.body.length === 0) return {};
  if (/json/i.test(response.headers['content-type'] ?? '')) return { body: JSON.parse(response.body.toString('utf8')) as unknown };
  return { body: response.body.toString('base64') };
}
