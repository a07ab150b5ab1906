import type { LockManagerLike } from './locks';
import type { Scheduler } from './Scheduler';

/**
 * Holds the scheduler lock for one scheduler and runs it while held. `give()` lets go at once
 * (a frozen or hidden page): runs in flight stay under their scheduler's lease (held until they
 * end), so whoever leads next cannot start them again, and their results still commit when the
 * page comes back.
 */
export class Leadership {
  /** Resolves the first time this context leads. */
  readonly leading: Promise<void>;
  private led: () => void = () => undefined;
  private failed: (error: unknown) => void = () => undefined;
  private want = false;
  private waiting: AbortController | null = null;
  private release: (() => void) | null = null;

  constructor(
    private readonly locks: LockManagerLike,
    private readonly lockName: string,
    private readonly scheduler: Scheduler,
  ) {
    this.leading = new Promise((resolve, reject) => {
      this.led = resolve;
      this.failed = reject;
    });
  }

  get isLeading(): boolean {
    return this.release !== null;
  }

  /** Queues for the lock (unless held or queued already); starts the scheduler once granted. */
  take(): void {
    this.want = true;
    if (this.release || this.waiting) return;
    this.scheduler.trace('lead-queue');
    const waiting = new AbortController();
    this.waiting = waiting;
    this.locks
      .request(this.lockName, { signal: waiting.signal }, () => this.hold(waiting))
      .catch((error: unknown) => {
        if (waiting.signal.aborted) return; // given up while queued: not an error
        this.waiting = null;
        this.failed(error);
      });
  }

  private async hold(waiting: AbortController): Promise<void> {
    if (this.waiting === waiting) this.waiting = null;
    this.scheduler.trace('lead-granted', { want: this.want });
    if (!this.want) return;
    const released = new Promise<void>((resolve) => (this.release = resolve));
    await this.scheduler.start();
    this.led();
    // Given up while starting: let go now.
    if (!this.want) void this.give();
    await released;
  }

  /**
   * Stops taking work and lets go of the lock (or leaves the queue for it) at once; resolves
   * then, not when the runs in flight end (a frozen page's runs end when it is resumed).
   */
  give(): Promise<void> {
    this.unwant();
    const release = this.release;
    this.release = null;
    if (!release) return Promise.resolve();
    this.scheduler.trace('lead-give');
    void this.scheduler.stop();
    release();
    return Promise.resolve();
  }

  /** Stops taking work, waits for the runs in flight, then lets go: a clean shutdown. */
  async close(): Promise<void> {
    this.unwant();
    await this.scheduler.close();
    const release = this.release;
    this.release = null;
    release?.();
  }

  /** Stops wanting the lock, and leaves the queue for it if queued. */
  private unwant(): void {
    this.want = false;
    this.waiting?.abort();
    this.waiting = null;
  }
}
