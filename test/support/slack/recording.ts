/**
 * An append-only list of things a fake received, which tests can wait on.
 *
 * `waitFor` resolves with the first matching item not already handed out by an earlier `waitFor`,
 * whether it arrived before or after the wait started. So two waits for the same thing resolve
 * with the first and the second occurrence, and a test never misses an item that arrived early.
 */
export class Recording<T extends object> {
  readonly items: T[] = [];
  private readonly claimed = new WeakSet<T>();
  private waiters: Waiter<T>[] = [];

  constructor(private readonly describe: (item: T) => string) {}

  add(item: T): void {
    this.items.push(item);
    for (const waiter of this.waiters) {
      if (this.tryClaim(waiter, item)) break;
    }
  }

  waitFor(what: string, matches: (item: T) => boolean, timeoutMs: number): Promise<T> {
    const early = this.items.find((item) => !this.claimed.has(item) && matches(item));
    if (early) {
      this.claimed.add(early);
      return Promise.resolve(early);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        matches,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          const seen = this.items.map(this.describe).join(", ") || "nothing";
          reject(
            new Error(`Timed out after ${timeoutMs}ms waiting for ${what}; received: ${seen}`),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Forgets items and claims; pending waits keep waiting for new items. */
  clear(): void {
    this.items.length = 0;
  }

  rejectWaiters(reason: string): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.waiters = [];
  }

  private tryClaim(waiter: Waiter<T>, item: T): boolean {
    if (!waiter.matches(item)) return false;
    this.claimed.add(item);
    this.remove(waiter);
    clearTimeout(waiter.timer);
    waiter.resolve(item);
    return true;
  }

  private remove(waiter: Waiter<T>): void {
    this.waiters = this.waiters.filter((w) => w !== waiter);
  }
}

interface Waiter<T> {
  matches: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}
