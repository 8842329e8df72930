import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { isDuplicateKey } from "../db/transaction.js";

/** A user group's members as stored: when they were last read in full, and last changed by an event. */
export interface StoredMembership {
  groupId: string;
  members: ReadonlySet<string>;
  readAt: Date;
}

const membershipSchema = z.object({
  _id: z.string(),
  members: z.array(z.string()),
  readAt: z.date(),
  changedAt: z.date().optional(),
});

type MembershipDocument = z.infer<typeof membershipSchema>;

function toMembership(doc: unknown): StoredMembership {
  const parsed = membershipSchema.parse(doc);
  return { groupId: parsed._id, members: new Set(parsed.members), readAt: parsed.readAt };
}

/**
 * The `usergroup_members` collection: one document per configured Slack user group, `{ _id: group
 * ID, members, readAt, changedAt? }`, written by the refresher (a full read from Slack) and by
 * Slack's user group events (a change as it happens).
 */
export class UsergroupMembershipRepository {
  private readonly collection: Collection<MembershipDocument>;

  constructor(db: Db) {
    this.collection = db.collection<MembershipDocument>(collections.usergroupMembers);
  }

  /** The stored memberships of these groups, in one query; a group never stored is absent. */
  async findMany(groupIds: readonly string[]): Promise<StoredMembership[]> {
    const docs = await this.collection.find({ _id: { $in: [...groupIds] } }).toArray();
    return docs.map(toMembership);
  }

  /**
   * Stores a full read of a group's members, begun at `readAt`. A change an event stored after the
   * read began is newer than the read, so then nothing is written (false).
   */
  async storeRead(groupId: string, members: readonly string[], readAt: Date): Promise<boolean> {
    try {
      await this.collection.updateOne(
        { _id: groupId, changedAt: { $not: { $gt: readAt } } },
        { $set: { members: [...new Set(members)], readAt }, $unset: { changedAt: "" } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      // The document exists with a newer change (so the upsert tried to insert a second one).
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Applies a change Slack announced to a stored group. False when the group was never stored: a
   * change alone is not the whole membership.
   */
  async applyChange(
    groupId: string,
    change: { added: readonly string[]; removed: readonly string[] },
    at: Date,
  ): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: groupId }, [
      {
        $set: {
          members: {
            $setUnion: [
              { $setDifference: ["$members", { $literal: [...change.removed] }] },
              { $literal: [...change.added] },
            ],
          },
          changedAt: at,
        },
      },
    ]);
    return result.matchedCount === 1;
  }

  /** Replaces a group's members with the full list Slack announced with a change. */
  async replaceMembers(groupId: string, members: readonly string[], at: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: groupId },
      { $set: { members: [...new Set(members)], readAt: at, changedAt: at } },
      { upsert: true },
    );
  }
}
