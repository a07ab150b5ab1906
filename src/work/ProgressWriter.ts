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
    if (this.timer !== null || this.inFlight) return Promise.resolve();
    const wait = this.lastWriteAt + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.flush();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight) await this.inFlight;
    if (!this.dirty || !this.latest) return;
    const progress = this.latest;
    this.dirty = false;
    this.lastWriteAt = this.clock.now();
    this.inFlight = this.store
      .mutate(false, (w) => writeProgress(w, this.token, progress))
      .then(() => undefined, () => undefined)
      .finally(() => (this.inFlight = null));
    await this.inFlight;
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
  }
}
