/** What a `$group` with `sumsSince` adds up: `$amount` over everything, and over what happened since a date. */
export interface PeriodSums {
  allTime: number;
  sinceThen: number;
}

/** `$group` accumulators for `PeriodSums` of documents with `amount` and `at`. */
export function sumsSince(since: Date) {
  return {
    allTime: { $sum: "$amount" },
    sinceThen: { $sum: { $cond: [{ $gte: ["$at", since] }, "$amount", 0] } },
  };
}
