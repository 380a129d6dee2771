/**
 * Gmail's `payload`: the MIME tree with part ids ("" at the root, then "0", "0.1"…),
 * headers, file names, and bodies as unpadded base64url or, for attachments, an
 * `attachmentId` to fetch with attachments.get.
 */
import { toBase64Url } from './http-io.ts';
import { decodeWords, filenameOf, isAttachment, type MimePart } from './mime.ts';

export interface PayloadJson {
  partId: string;
  mimeType: string;
  filename: string;
  headers: { name: string; value: string }[];
  body: { size: number; data?: string; attachmentId?: string };
  parts?: PayloadJson[];
}

const ATTACHMENT_PREFIX = 'ANGjdJ';

export function payloadTree(root: MimePart, messageId: string): PayloadJson {
  return partJson(root, '', messageId);
}

function partJson(part: MimePart, partId: string, messageId: string): PayloadJson {
  const json: PayloadJson = {
    partId,
    mimeType: part.mimeType,
    filename: filenameOf(part),
    headers: part.headers.map((h) => ({ name: h.name, value: decodeWords(h.value) })),
    body: { size: 0 },
  };
  if (part.mimeType.startsWith('multipart/')) {
    const prefix = partId === '' ? '' : `${partId}.`;
    json.parts = part.children.map((child, i) => partJson(child, `${prefix}${i}`, messageId));
  } else if (isAttachment(part)) {
    json.body = { attachmentId: attachmentIdFor(messageId, partId), size: part.body.length };
  } else {
    json.body = part.body.length > 0 ? { size: part.body.length, data: toBase64Url(part.body) } : { size: 0 };
  }
  return json;
}

/** Opaque to clients; the emulator reads the part id back out of it. */
export function attachmentIdFor(messageId: string, partId: string): string {
  return ATTACHMENT_PREFIX + Buffer.from(`${messageId}/${partId}`).toString('base64url');
}

/** The part an attachment id names, or null (also for an id of another message). */
export function partForAttachment(root: MimePart, messageId: string, attachmentId: string): MimePart | null {
  if (!attachmentId.startsWith(ATTACHMENT_PREFIX)) return null;
  const decoded = Buffer.from(attachmentId.slice(ATTACHMENT_PREFIX.length), 'base64url').toString('utf8');
  const slash = decoded.lastIndexOf('/');
  if (slash === -1 || decoded.slice(0, slash) !== messageId) return null;
  return partById(root, decoded.slice(slash + 1));
}

function partById(root: MimePart, partId: string): MimePart | null {
  if (partId === '') return root;
  let part: MimePart | undefined = root;
  for (const index of partId.split('.')) {
    part = part?.children[Number(index)];
    if (!part) return null;
  }
  return part;
}
