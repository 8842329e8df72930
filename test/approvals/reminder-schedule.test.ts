import { describe, expect, it } from "vitest";
import { reminderAfter, reminderTimes } from "../../src/approvals/reminder-schedule.js";

const hourMs = 3_600_000;
const requestedAt = new Date("2026-12-01T08:00:00Z");
const lifetime = (ttlMs: number) => ({
  requestedAt,
  expiresAt: new Date(requestedAt.getTime() + ttlMs),
});
const sinceRequest = (ms: number) => new Date(requestedAt.getTime() + ms);

describe("when a pending request is reminded in its thread", () => {
  it("a 24 h request: at 12 h and at 23 h", () => {
    expect(reminderTimes(lifetime(24 * hourMs))).toEqual([
      sinceRequest(12 * hourMs),
      sinceRequest(23 * hourMs),
    ]);
  });

  it("a TTL of exactly 2 h gets one reminder, halfway (its one-hour point is the same moment); 2 h 1 min gets both", () => {
    expect(reminderTimes(lifetime(2 * hourMs))).toEqual([sinceRequest(hourMs)]);
    expect(reminderTimes(lifetime(2 * hourMs + 60_000))).toEqual([
      sinceRequest(hourMs + 30_000),
      sinceRequest(hourMs + 60_000),
    ]);
  });

  it("a TTL under an hour still gets its halfway reminder", () => {
    expect(reminderTimes(lifetime(30 * 60_000))).toEqual([sinceRequest(15 * 60_000)]);
  });

  it("after a reminder sent on time, the next is the one-hour point; sent late past it (the bot was down), none is left", () => {
    const day = lifetime(24 * hourMs);
    expect(reminderAfter(day, sinceRequest(12 * hourMs))).toEqual(sinceRequest(23 * hourMs));
    expect(reminderAfter(day, sinceRequest(22 * hourMs))).toEqual(sinceRequest(23 * hourMs));
    expect(reminderAfter(day, sinceRequest(23 * hourMs))).toBeUndefined();
    expect(reminderAfter(day, sinceRequest(23.5 * hourMs))).toBeUndefined();
  });
});
