/**
 * Who was last recorded as refused, and when: a person without a role typing into a picker sends a
 * request per keystroke, and the audit trail gets one refusal a minute per person, not one each.
 * In memory, per instance (each instance may record its own), and bounded: past `maxPeople` the
 * person recorded longest ago is forgotten.
 */
export class RefusalThrottle {
  private readonly lastRecorded = new Map<string, number>();

  constructor(
    private readonly intervalMs = 60_000,
    private readonly maxPeople = 10_000,
  ) {}

  /** True when `userId`'s refusal at `nowMs` is to be recorded (none recorded in the last interval). */
  take(userId: string, nowMs: number): boolean {
    const last = this.lastRecorded.get(userId);
    if (last !== undefined && nowMs - last < this.intervalMs) return false;
    // Re-inserted so the map's order is the order of recording: the first key is the oldest.
    this.lastRecorded.delete(userId);
    this.lastRecorded.set(userId, nowMs);
    if (this.lastRecorded.size > this.maxPeople) {
      const oldest = this.lastRecorded.keys().next().value;
      if (oldest !== undefined) this.lastRecorded.delete(oldest);
    }
    return true;
  }
}
