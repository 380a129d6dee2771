/**
 * Reads the message a drafts/send call carries: `raw` (base64url) in a JSON body, or
 * the `/upload/…` forms (uploadType=media: the RFC 822 bytes as the body;
 * uploadType=multipart: JSON metadata, then the message, in multipart/related).
 */
import { badRequest } from './errors.ts';
import { fromBase64, type ApiRequest } from './http-io.ts';
import { parseMime } from './mime.ts';

export interface MessageInput {
  raw: Buffer | null;
  threadId?: string;
}

/**
 * @param shape 'message' for messages.send (`{raw, threadId}`), 'draft' for drafts
 *   (`{id, message: {raw, threadId}}`).
 */
export function readMessageInput(req: ApiRequest, shape: 'message' | 'draft'): { message: MessageInput; draftId?: string } {
  const uploadType = req.query.get('uploadType');
  if (uploadType === 'media') return { message: { raw: req.body } };
  if (uploadType === 'multipart') return fromMultipart(req, shape);
  if (uploadType) throw badRequest(`Unsupported uploadType: ${uploadType}`);
  return fromJson(parseJson(req.body), shape, null);
}

function fromMultipart(req: ApiRequest, shape: 'message' | 'draft'): { message: MessageInput; draftId?: string } {
  const contentType = req.headers['content-type'] ?? '';
  const tree = parseMime(Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`), req.body]));
  const [metadata, media] = tree.children;
  if (!metadata || !media) throw badRequest('Multipart upload needs a metadata part and a media part.');
  return fromJson(parseJson(metadata.body), shape, media.body);
}

function fromJson(body: Record<string, unknown>, shape: 'message' | 'draft', media: Buffer | null): { message: MessageInput; draftId?: string } {
  const holder = (shape === 'draft' ? body['message'] : body) as Record<string, unknown> | undefined;
  const rawText = holder?.['raw'];
  const threadId = holder?.['threadId'];
  const message: MessageInput = {
    raw: media ?? (typeof rawText === 'string' && rawText !== '' ? fromBase64(rawText) : null),
    ...(typeof threadId === 'string' && threadId !== '' ? { threadId } : {}),
  };
  const draftId = body['id'];
  return typeof draftId === 'string' && shape === 'draft' ? { message, draftId } : { message };
}

function parseJson(bytes: Buffer): Record<string, unknown> {
  if (bytes.length === 0) return {};
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw badRequest('Invalid JSON payload received.', 'parseError');
}

/** The raw message, or Gmail's 400 when the call carried none. */
export function requireRaw(input: MessageInput): Buffer {
  if (!input.raw || input.raw.length === 0) {
    throw badRequest("'raw' RFC822 payload message string or uploading message via /upload/* URL required", 'invalidArgument');
  }
  return input.raw;
}
