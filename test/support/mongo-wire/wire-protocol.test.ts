import { connect, type Socket } from "node:net";
import { BSON, type Document, Long, ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { useWireServer } from "./harness.js";
import {
  EncodedDocuments,
  encodeForBatch,
  encodeReply,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  type WireRequest,
} from "./wire-protocol.js";

const t = useWireServer();

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(t.server.port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

function frame(opCode: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(42, 4);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

function opMsg(command: Document, flags = 0, trailer = Buffer.alloc(0)): Buffer {
  const flagBits = Buffer.alloc(4);
  flagBits.writeUInt32LE(flags);
  return frame(
    OP_MSG,
    Buffer.concat([flagBits, Buffer.from([0]), BSON.serialize(command), trailer]),
  );
}

/** Resolves with the first complete reply, or "closed" if the server hangs up. */
function nextReply(
  socket: Socket,
): Promise<{ opCode: number; responseTo: number; body: Document } | "closed"> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < received.readInt32LE(0)) return;
      const opCode = received.readInt32LE(12);
      const bodyStart = opCode === OP_REPLY ? 36 : 21;
      resolve({
        opCode,
        responseTo: received.readInt32LE(8),
        body: BSON.deserialize(received.subarray(bodyStart)),
      });
    });
    socket.on("close", () => resolve("closed"));
  });
}

describe("wire protocol", () => {
  it("answers the legacy OP_QUERY handshake with OP_REPLY", async () => {
    const socket = await open();
    const fields = Buffer.alloc(8); // numberToSkip, numberToReturn
    fields.writeInt32LE(-1, 4);
    const payload = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from("admin.$cmd\0"),
      fields,
      BSON.serialize({ isMaster: 1, helloOk: true }),
    ]);
    const reply = nextReply(socket);
    socket.write(frame(OP_QUERY, payload));
    expect(await reply).toMatchObject({
      opCode: OP_REPLY,
      responseTo: 42,
      body: { ismaster: true, helloOk: true, hosts: [`127.0.0.1:${t.server.port}`], ok: 1 },
    });
    socket.destroy();
  });

  it("tolerates an OP_MSG carrying a checksum", async () => {
    const socket = await open();
    const reply = nextReply(socket);
    socket.write(opMsg({ ping: 1, $db: "admin" }, 1, Buffer.alloc(4)));
    expect(await reply).toMatchObject({ opCode: OP_MSG, responseTo: 42, body: { ok: 1 } });
    socket.destroy();
  });

  it("closes only the offending connection when a message is malformed", async () => {
    for (const garbage of [
      Buffer.from([8, 0, 0, 0, 1, 2, 3, 4]),
      frame(OP_MSG, Buffer.from([0, 0, 0, 0, 0, 99, 0, 0, 0, 1])),
      frame(9999, Buffer.alloc(8)),
    ]) {
      const socket = await open();
      const reply = nextReply(socket);
      socket.write(garbage);
      expect(await reply).toBe("closed");
    }
    const items = t.freshDb().collection("items");
    await items.insertOne({ still: "working" });
    expect(await items.countDocuments()).toBe(1);
  });

  it("closes the connection on a sequence document whose fields overrun it, inserting nothing", async () => {
    const good = Buffer.from(BSON.serialize({ _id: 1, name: "fine" }));
    const bad = Buffer.from(BSON.serialize({ _id: 2, name: "abcdef" }));
    bad.writeInt32LE(64, bad.indexOf("name") + 5); // the string's length now runs past its document
    const sequence = Buffer.concat([Buffer.from("documents\0"), good, bad, good]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + sequence.length);
    const db = t.freshDb();
    const command = BSON.serialize({ insert: "overrun", $db: db.databaseName });
    const socket = await open();
    const reply = nextReply(socket);
    socket.write(
      frame(
        OP_MSG,
        Buffer.concat([
          Buffer.alloc(4),
          Buffer.from([0]),
          command,
          Buffer.from([1]),
          size,
          sequence,
        ]),
      ),
    );
    expect(await reply).toBe("closed");
    expect(await db.collection("overrun").countDocuments()).toBe(0);
  });

  it("encodes a reply holding documents encoded already exactly as it encodes the documents", () => {
    const docs = Array.from({ length: 12 }, (_, i) => ({
      _id: new ObjectId(),
      i,
      name: i % 2 ? "ünï" : "plain",
      nested: { at: new Date(i), big: Long.fromString("9007199254740993"), gone: undefined },
      list: [1, "two", { three: 3 }],
    }));
    const request: WireRequest = { requestId: 9, opCode: OP_MSG, command: {}, moreToCome: false };
    const reply = (batch: unknown) => ({
      cursor: { firstBatch: batch, id: Long.fromNumber(5), ns: "db.items" },
      ok: 1,
      skipped: undefined,
      operationTime: 12,
    });
    const spliced = encodeReply(request, reply(new EncodedDocuments(docs.map(encodeForBatch))), 3);
    expect(spliced.equals(encodeReply(request, reply(docs), 3))).toBe(true);
  });

  it("performs unacknowledged (w: 0) writes without replying", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ n: 1 }, { writeConcern: { w: 0 } });
    await items.insertOne({ n: 2 });
    expect(await items.countDocuments()).toBe(2);
  });
});
