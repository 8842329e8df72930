import type { ServerResponse } from "node:http";

/** A call the fake answers later (a delay) or only when released (a hang). Settles once. */
export interface LateAnswer {
  /** Processes and answers the call now. */
  answer(): void;
  /** Closes the connection without processing the call. */
  drop(): void;
  /** Answers after `ms`, unless settled before. */
  answerAfter(ms: number): void;
}

/** The calls still waiting for a late answer, so `reset` and `stop` can drop them all. */
export class LateAnswers {
  private readonly pending = new Set<LateAnswer>();

  add(res: ServerResponse, answer: () => void): LateAnswer {
    let timer: NodeJS.Timeout | undefined;
    const settle = (then: () => void) => () => {
      if (!this.pending.delete(late)) return;
      clearTimeout(timer);
      then();
    };
    const late: LateAnswer = {
      answer: settle(answer),
      drop: settle(() => res.destroy()),
      answerAfter(ms) {
        timer = setTimeout(late.answer, ms);
      },
    };
    this.pending.add(late);
    return late;
  }

  dropAll(): void {
    for (const late of [...this.pending]) late.drop();
  }
}
