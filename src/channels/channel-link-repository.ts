import { type ClientSession, type Collection, type Db, ObjectId } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import type { ChannelLink } from "./channel-links.js";

interface ChannelLinkDocument extends ChannelLink {
  _id: ObjectId;
}

const channelLinkSchema = z.object({
  channelId: z.string(),
  customerId: z.string(),
  linkedBy: z.string(),
  linkedAt: z.date(),
});

function toChannelLink(document: unknown): ChannelLink {
  return channelLinkSchema.parse(document);
}

/**
 * The `channel_links` collection: which channel is linked to which customer. One document per
 * channel (unique index `channelId_unique`), so two links of one channel can never both stand.
 */
export class ChannelLinkRepository {
  private readonly collection: Collection<ChannelLinkDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ChannelLinkDocument>(collections.channelLinks);
  }

  async findByChannel(channelId: string, session?: ClientSession): Promise<ChannelLink | null> {
    const document = await this.collection.findOne(
      { channelId: { $eq: channelId } },
      { session, projection: { _id: 0 } },
    );
    return document ? toChannelLink(document) : null;
  }

  /** Stores a link of a channel that has none (a duplicate key error when it has one by now). */
  async insert(link: ChannelLink, session: ClientSession): Promise<void> {
    await this.collection.insertOne({ _id: new ObjectId(), ...link }, { session });
  }

  /** Points the channel at another customer if it still names `fromCustomerId`; false otherwise. */
  async relinkIfStill(
    fromCustomerId: string,
    link: ChannelLink,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      { channelId: { $eq: link.channelId }, customerId: { $eq: fromCustomerId } },
      { $set: { customerId: link.customerId, linkedBy: link.linkedBy, linkedAt: link.linkedAt } },
      { session },
    );
    return result.modifiedCount === 1;
  }

  /** Removes the channel's link; returns it as it was, null when there was none. */
  async remove(channelId: string, session: ClientSession): Promise<ChannelLink | null> {
    const removed = await this.collection.findOneAndDelete(
      { channelId: { $eq: channelId } },
      { session, projection: { _id: 0 } },
    );
    return removed ? toChannelLink(removed) : null;
  }

  /** The `limit` most recently linked channels, newest first (index `newest_first`). */
  async newest(limit: number): Promise<ChannelLink[]> {
    const documents = await this.collection
      .find({}, { sort: { linkedAt: -1, _id: -1 }, limit, projection: { _id: 0 } })
      .toArray();
    return documents.map(toChannelLink);
  }
}
