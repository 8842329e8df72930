/**
 * MongoDB wire protocol framing.
 * Every message starts with a 16-byte header: messageLength, requestID, responseTo, opCode (int32 LE).
 * OP_MSG (2013): flagBits, then sections — kind 0 is the command body, kind 1 a document sequence
 * (`documents`, `updates`, `deletes`) that is folded into the body as an array field.
 * OP_QUERY (2004) is only used by drivers for the first handshake and is answered with OP_REPLY (1).
 */
import { BSON, type Document } from "bson";
import { isPlainObject } from "./values.js";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
/** Bits 0-15 are "required": a receiver must reject flags it does not know. */
const KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;

export interface WireRequest {
  readonly requestId: number;
  readonly opCode: typeof OP_MSG | typeof OP_QUERY;
  readonly command: Document;
  /** OP_MSG moreToCome: the client expects no reply (unacknowledged writes). */
  readonly moreToCome: boolean;
}

class MalformedMessageError extends Error {}

function fail(message: string): never {
  throw new MalformedMessageError(message);
}

/** Length of the message starting at `bytes[0]` (needs at least 4 bytes). */
export const messageLength = (bytes: Buffer): number => bytes.readInt32LE(0);

function readDocument(frame: Buffer, offset: number, end: number): [Document, number] {
  if (offset + 5 > end) fail("truncated BSON document");
  const size = frame.readInt32LE(offset);
  if (size < 5 || offset + size > end) fail("BSON document overruns its section");
  // Read in place (no view of the frame per document).
  return [
    BSON.deserialize(frame, { index: offset, allowObjectSmallerThanBufferSize: true }),
    offset + size,
  ];
}

function readCString(frame: Buffer, offset: number, end: number): [string, number] {
  const terminator = frame.indexOf(0, offset);
  if (terminator < 0 || terminator >= end) fail("unterminated string");
  return [frame.toString("utf8", offset, terminator), terminator + 1];
}

function parseOpMsg(frame: Buffer, requestId: number): WireRequest {
  const flags = frame.readUInt32LE(HEADER_BYTES);
  if (flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) fail(`unsupported OP_MSG flags ${flags}`);
  const end = frame.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame[offset++];
    if (kind === 0) {
      if (body) fail("more than one body section");
      [body, offset] = readDocument(frame, offset, end);
    } else if (kind === 1) {
      if (offset + 4 > end) fail("truncated document sequence");
      const sectionEnd = offset + frame.readInt32LE(offset);
      if (sectionEnd > end || sectionEnd < offset + 5) fail("bad document sequence size");
      let identifier: string;
      [identifier, offset] = readCString(frame, offset + 4, sectionEnd);
      const docs: Document[] = [];
      while (offset < sectionEnd) {
        let doc: Document;
        [doc, offset] = readDocument(frame, offset, sectionEnd);
        docs.push(doc);
      }
      sequences.push([identifier, docs]);
    } else {
      fail(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) fail("OP_MSG without a body section");
  for (const [identifier, docs] of sequences) {
    if (identifier in body) fail(`field '${identifier}' given both in the body and as a sequence`);
    body[identifier] = docs;
  }
  return { requestId, opCode: OP_MSG, command: body, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(frame: Buffer, requestId: number): WireRequest {
  const [namespace, afterName] = readCString(frame, HEADER_BYTES + 4, frame.length);
  if (!namespace.endsWith(".$cmd"))
    fail(`OP_QUERY is only supported for commands, got ${namespace}`);
  const [query] = readDocument(frame, afterName + 8, frame.length);
  const command = query.$query && typeof query.$query === "object" ? query.$query : query;
  return {
    requestId,
    opCode: OP_QUERY,
    command: { ...command, $db: namespace.slice(0, -".$cmd".length) },
    moreToCome: false,
  };
}

/** Parses one complete message; throws MalformedMessageError (or a BSON error) on garbage. */
export function parseMessage(frame: Buffer): WireRequest {
  if (frame.length < HEADER_BYTES + 4) fail("message too short");
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(frame, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(frame, requestId);
  return fail(`unsupported opCode ${opCode}`);
}

const SERIALIZE = { ignoreUndefined: true } as const;
const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;

/**
 * A BSON array of documents encoded already (a cursor's batch, each document serialized once when
 * the batch is taken, which also gives its size); `encodeReply` copies the bytes into the reply.
 */
export class EncodedDocuments {
  constructor(readonly documents: readonly Uint8Array[]) {}
}

/** Encodes one document for a batch, as the reply would encode it. */
export const encodeForBatch = (doc: Document): Uint8Array => BSON.serialize(doc, SERIALIZE);

/** Whether `doc` holds EncodedDocuments (as a field, or in a sub-document's). */
function hasEncoded(doc: Document): boolean {
  for (const value of Object.values(doc)) {
    if (value instanceof EncodedDocuments) return true;
    if (isPlainObject(value) && hasEncoded(value)) return true;
  }
  return false;
}

/** BSON of `doc` where fields holding EncodedDocuments take their bytes as they are. */
function encodeDocument(doc: Document): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [field, value] of Object.entries(doc)) {
    if (value instanceof EncodedDocuments) {
      parts.push(...element(ARRAY, field, encodeArray(value.documents)));
    } else if (isPlainObject(value) && hasEncoded(value)) {
      parts.push(...element(EMBEDDED_DOCUMENT, field, encodeDocument(value)));
    } else {
      const single = BSON.serialize({ [field]: value }, SERIALIZE);
      parts.push(single.subarray(4, single.length - 1)); // its one element, without length and end
    }
  }
  return wrap(parts);
}

/** A BSON array of encoded documents, written in one buffer (the names are "0", "1", …). */
function encodeArray(docs: readonly Uint8Array[]): Uint8Array {
  let length = 5;
  for (let i = 0; i < docs.length; i++)
    length += 2 + String(i).length + (docs[i] as Uint8Array).length;
  const bytes = Buffer.allocUnsafe(length);
  bytes.writeInt32LE(length, 0);
  let offset = 4;
  for (let i = 0; i < docs.length; i++) {
    bytes[offset++] = EMBEDDED_DOCUMENT;
    offset += bytes.write(String(i), offset, "latin1");
    bytes[offset++] = 0;
    const doc = docs[i] as Uint8Array;
    bytes.set(doc, offset);
    offset += doc.length;
  }
  bytes[offset] = 0;
  return bytes;
}

/** One element: its type byte and name (a C string), then `value`'s bytes. */
function element(type: number, name: string, value: Uint8Array): [Uint8Array, Uint8Array] {
  const head = Buffer.alloc(2 + Buffer.byteLength(name));
  head[0] = type;
  head.write(name, 1, "utf8"); // the name's terminating 0 is the last byte, already 0
  return [head, value];
}

/** A BSON document of `elements`: its length, the elements, the terminating 0. */
function wrap(elements: readonly Uint8Array[]): Buffer {
  let length = 5;
  for (const part of elements) length += part.length;
  const bytes = Buffer.allocUnsafe(length);
  bytes.writeInt32LE(length, 0);
  let offset = 4;
  for (const part of elements) {
    bytes.set(part, offset);
    offset += part.length;
  }
  bytes[offset] = 0;
  return bytes;
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(requestId, 4);
  bytes.writeInt32LE(responseTo, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

/** The reply to `request`, in the matching format (OP_MSG, or OP_REPLY for OP_QUERY). */
export function encodeReply(request: WireRequest, reply: Document, requestId: number): Buffer {
  const body = hasEncoded(reply) ? encodeDocument(reply) : BSON.serialize(reply, SERIALIZE);
  if (request.opCode === OP_MSG) {
    const prefix = Buffer.alloc(5); // flagBits = 0, then section kind 0
    const length = HEADER_BYTES + prefix.length + body.length;
    return Buffer.concat([header(length, requestId, request.requestId, OP_MSG), prefix, body]);
  }
  const replyFields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom
  replyFields.writeInt32LE(1, 16); // numberReturned
  const length = HEADER_BYTES + replyFields.length + body.length;
  return Buffer.concat([header(length, requestId, request.requestId, OP_REPLY), replyFields, body]);
}
