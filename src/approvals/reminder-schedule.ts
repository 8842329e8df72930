const hourMs = 3_600_000;

/** The request's own times: every reminder is placed between them. */
interface Lifetime {
  requestedAt: Date;
  expiresAt: Date;
}

/**
 * When a pending request is reminded of in its thread: halfway to its expiry and one hour before
 * it. When one hour before comes at or before halfway (a lifetime of 2 h or less), only halfway:
 * one reminder, never two at once.
 */
export function reminderTimes({ requestedAt, expiresAt }: Lifetime): Date[] {
  const halfway = requestedAt.getTime() + (expiresAt.getTime() - requestedAt.getTime()) / 2;
  const lastHour = expiresAt.getTime() - hourMs;
  return (lastHour > halfway ? [halfway, lastHour] : [halfway]).map((time) => new Date(time));
}

/**
 * The next reminder after one sent at `at`: the first scheduled time later than `at`, none when
 * every one has passed. A sweep that comes late (the bot was down) sends one reminder for all the
 * times that passed, never a burst.
 */
export function reminderAfter(lifetime: Lifetime, at: Date): Date | undefined {
  return reminderTimes(lifetime).find((time) => time > at);
}
