import type { Clock } from './clock';
import type { WorkStore } from './store';
import { writeProgress, type AttemptToken } from './transitions';
import type { Data } from './types';

/**
 * Coalesces a worker's setProgress calls: the first is written at once, later ones at most once
 * per interval (the latest value wins), and `flush` writes the last one before the result.
 */
export class ProgressWriter {
  private latest: Data | null = null;
  private dirty = false;
  private lastWriteAt = -Infinity;
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly store: WorkStore,
    private readonly token: AttemptToken,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  set(progress: Data): Promise<void> {
    this.latest = progress;
    this.dirty = true;
    return this.schedule();
  }

  /** Writes the pending value now, after any write in flight: called before the result. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.inFlight) await this.inFlight;
    this.clearTimer();
    if (this.dirty) await this.write();
  }

  private schedule(): Promise<void> {
    if (this.timer !== null || this.inFlight) return Promise.resolve();
    const wait = this.lastWriteAt + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.write();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.write();
    }, wait);
    return Promise.resolve();
  }

  private async write(): Promise<void> {
    if (!this.dirty || !this.latest) return;
    const progress = this.latest;
    this.dirty = false;
    this.lastWriteAt = this.clock.now();
    const written = this.store.mutate(false, (w) => writeProgress(w, this.token, progress));
    this.inFlight = written.then(
      () => undefined,
      () => undefined,
    );
    await this.inFlight;
    this.inFlight = null;
    if (this.dirty) void this.schedule();
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  cancel(): void {
    this.clearTimer();
    this.dirty = false;
  }
}
