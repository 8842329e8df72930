/**
 * The cluster time: one counter that every commit advances. Replies carry it as `operationTime`
 * and `$clusterTime` (a BSON Timestamp), as a replica-set member's do, so drivers send
 * `afterClusterTime` in causally consistent sessions as they do in production.
 */
import { Binary, type Document, Long, Timestamp } from "bson";

const UNSIGNED = { hash: new Binary(Buffer.alloc(20)), keyId: Long.ZERO };

export class LogicalClock {
  private last = 0;
  private readonly seconds = Math.floor(Date.now() / 1000);

  /** The time of the latest commit. */
  now(): number {
    return this.last;
  }

  /** A new, later time for a commit. */
  tick(): number {
    this.last++;
    return this.last;
  }

  timestamp(time = this.last): Timestamp {
    return new Timestamp({ t: this.seconds, i: time });
  }

  /** The `operationTime` and `$clusterTime` fields of a reply. */
  replyFields(): Document {
    const time = this.timestamp();
    return { operationTime: time, $clusterTime: { clusterTime: time, signature: UNSIGNED } };
  }
}
