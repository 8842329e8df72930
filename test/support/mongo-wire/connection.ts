import type { Socket } from "node:net";
import type { Document } from "bson";
import { MAX_MESSAGE_SIZE_BYTES } from "./commands/handshake.js";
import { CLOSE_CONNECTION, type Dispatcher } from "./dispatcher.js";
import { errorReply } from "./errors.js";
import {
  encodeReply,
  messageLength,
  OP_QUERY,
  parseMessage,
  type WireRequest,
} from "./wire-protocol.js";

let lastResponseId = 0;
const responseId = () => {
  lastResponseId = (lastResponseId % 0x7fffffff) + 1;
  return lastResponseId;
};

/**
 * One client connection: reassembles messages from the byte stream and answers them in order.
 * Anything malformed closes this connection only.
 */
export class WireConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: Promise<void> = Promise.resolve();
  private readonly closed = new AbortController();
  /** The application name the client gave in its handshake. */
  private appName: string | undefined;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly dispatcher: Dispatcher,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.closed.abort());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      if ((this.chunks[0] as Buffer).length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const length = messageLength(this.chunks[0] as Buffer);
      if (length < 16 || length > MAX_MESSAGE_SIZE_BYTES) {
        this.destroy();
        return;
      }
      if (this.buffered < length) return;
      const frame = this.take(length);
      this.pending = this.pending.then(() => this.handle(frame)).catch(() => this.destroy());
    }
  }

  private take(length: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const rest = all.subarray(length);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, length);
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.socket.destroyed) return;
    const request = parseMessage(frame);
    this.appName ??= handshakeAppName(request.command);
    const reply = await this.dispatcher.dispatch(request.command, {
      connectionId: this.id,
      appName: this.appName,
      signal: this.closed.signal,
      legacy: request.opCode === OP_QUERY,
    });
    if (reply === CLOSE_CONNECTION) {
      this.destroy();
      return;
    }
    if (request.moreToCome || this.socket.destroyed) return;
    this.socket.write(encode(request, reply));
  }
}

function handshakeAppName(command: Document): string | undefined {
  const name = (command.client as Document | undefined)?.application?.name;
  return typeof name === "string" ? name : undefined;
}

/** A reply that cannot be encoded (e.g. too large) is answered with an error instead. */
function encode(request: WireRequest, reply: Document): Buffer {
  try {
    return encodeReply(request, reply, responseId());
  } catch (error) {
    return encodeReply(request, errorReply(error), responseId());
  }
}
