/**
 * `POST /batch/gmail/v1` (A.8): a multipart/mixed body of `application/http` parts, each
 * one request with a path-only URL. Outer headers (Authorization) apply to every part
 * unless the part sets its own. Parts run in order through the normal pipeline, so each
 * is logged, faulted and charged on its own; the reply is multipart/mixed in request order.
 */
import { badRequest } from './errors.ts';
import { DROP, errorResponse, type ApiRequest, type ApiResponse, type Outcome } from './http-io.ts';
import { headerOf, parseMime } from './mime.ts';

const MAX_PARTS = 100;
const REASONS: Record<number, string> = {
  200: 'OK', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  409: 'Conflict', 410: 'Gone', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export async function handleBatch(req: ApiRequest, run: (inner: ApiRequest) => Promise<Outcome>): Promise<Outcome> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/mixed/i.test(contentType)) return errorResponse(badRequest('Batch requests must be multipart/mixed.'));
  const tree = parseMime(Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`), req.body]));
  if (tree.children.length === 0) return errorResponse(badRequest('The batch request has no parts.'));
  if (tree.children.length > MAX_PARTS) return errorResponse(badRequest(`A batch may hold at most ${MAX_PARTS} calls.`));
  const boundary = `batch_emulator_${tree.children.length}_${req.body.length}`;
  const chunks: Buffer[] = [];
  for (const part of tree.children) {
    const contentId = headerOf(part.headers, 'content-id');
    const inner = parseInnerRequest(part.body, req.headers);
    const outcome = inner ? await run(inner) : errorResponse(badRequest('Unreadable batch part.'));
    if (outcome === DROP) return DROP;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/http\r\n`));
    if (contentId) chunks.push(Buffer.from(`Content-ID: <response-${contentId.replace(/^<|>$/g, '')}>\r\n`));
    chunks.push(Buffer.from('\r\n'), serialize(outcome), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { status: 200, headers: { 'content-type': `multipart/mixed; boundary=${boundary}` }, body: Buffer.concat(chunks) };
}

function parseInnerRequest(bytes: Buffer, outer: Record<string, string>): ApiRequest | null {
  const text = bytes.toString('latin1');
  const headEnd = /\r?\n\r?\n/.exec(text);
  const head = headEnd ? text.slice(0, headEnd.index) : text;
  const body = headEnd ? Buffer.from(text.slice(headEnd.index + headEnd[0].length), 'latin1') : Buffer.alloc(0);
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  const m = /^([A-Z]+)\s+(\S+)/.exec(requestLine.trim());
  if (!m) return null;
  const url = new URL(m[2] ?? '/', 'http://emulator.invalid');
  const headers: Record<string, string> = { ...outer };
  delete headers['content-type'];
  delete headers['content-length'];
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: m[1] ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: body.toString('latin1').trim() === '' ? Buffer.alloc(0) : body };
}

function serialize(response: ApiResponse): Buffer {
  const lines = [`HTTP/1.1 ${response.status} ${REASONS[response.status] ?? ''}`.trim()];
  for (const [name, value] of Object.entries(response.headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${response.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n')), response.body]);
}
