/** How often the progress line is redrawn on a terminal, and written as a new line elsewhere (logs). */
const terminalEveryMs = 200;
const logEveryMs = 5000;

const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** `m:ss` (or `h:mm:ss`) of a duration in seconds. */
export function clockTime(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Where a long-running tool is: rows so far, and how far through its whole work (0–1) when known. */
export interface ProgressPoint {
  rows: number;
  /** The part of the whole done (bytes read of the file, rows of the estimated total); null: unknown. */
  done: number | null;
  /** More to say, e.g. `120 created · 3 rejected`. */
  detail?: string;
}

/**
 * What the progress line says, e.g. `12,000 rows · 9,800 rows/s · 41% · ETA 0:32`. The ETA
 * assumes the rest goes at the rate so far.
 */
export function progressText(point: ProgressPoint, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? point.rows / seconds : 0;
  const parts = [`${count(point.rows)} rows`, `${count(rate)} rows/s`];
  if (point.done !== null) {
    const done = Math.min(1, Math.max(0, point.done));
    parts.push(`${Math.floor(done * 100)}%`);
    if (done > 0 && seconds > 0) parts.push(`ETA ${clockTime((seconds * (1 - done)) / done)}`);
  }
  if (point.detail) parts.push(point.detail);
  return `  ${parts.join(" · ")}`;
}

export interface ProgressLine {
  /** Cheap to call per row: only redraws every so often. */
  update(point: ProgressPoint): void;
  /** Writes the last state (with the final rate) and ends the line. */
  done(point: ProgressPoint): void;
}

/**
 * A progress line on `output` (stderr): redrawn in place (`\r`) on a terminal, otherwise a new line
 * every 5 s, so logs stay readable.
 */
export function progressLine(
  output: { write(text: string): unknown; isTTY?: boolean },
  now: () => number = () => performance.now(),
): ProgressLine {
  const terminal = Boolean(output.isTTY);
  const started = now();
  let shownAt = started;
  const show = (point: ProgressPoint, end: string) =>
    output.write(`${terminal ? "\r" : ""}${progressText(point, now() - started)}${end}`);
  return {
    update(point) {
      const at = now();
      if (at - shownAt < (terminal ? terminalEveryMs : logEveryMs)) return;
      shownAt = at;
      show(point, terminal ? "" : "\n");
    },
    done(point) {
      show(point, "\n");
    },
  };
}
