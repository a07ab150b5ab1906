/** Time as the scheduler sees it: injectable, so tests move it without faking globals. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told; timers fire in time order during `advance`. */
export class ManualClock implements Clock {
  private timers = new Map<number, Timer>();
  private seq = 0;

  constructor(private time = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const seq = ++this.seq;
    this.timers.set(seq, { at: this.time + Math.max(0, ms), seq, fn });
    return seq;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing each due timer at its own time. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Moves time to `end` (never back), firing each timer due by then at its own time. */
  advanceTo(end: number): void {
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.timers.delete(next.seq);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = Math.max(this.time, end);
  }

  /** When the next timer is due, if any. */
  nextTimerAt(): number | undefined {
    return this.nextDue(Infinity)?.at;
  }

  private nextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.at <= end && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)))
        best = t;
    }
    return best;
  }
}
