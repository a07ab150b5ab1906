import { isRuntimeMessage, syncTagFor } from './runtimeMessages';
import { schedulerLockName, type Scheduler } from './Scheduler';
import { createScheduler, type ExecutorOptions } from './startExecutor';

declare const self: ServiceWorkerGlobalScope;

export interface ServiceWorkerExecutorOptions extends ExecutorOptions {
  /** The Background Sync tag the pages register; `work:<name>` by default. */
  syncTag?: string;
}

/** How one wake-up ended. */
export type LeadOutcome =
  /** Nothing is pending any more. */
  | 'done'
  /** Work is still pending (due later, or waiting for a constraint): wake again later. */
  | 'remaining'
  /** Another context leads (a tab's executor), or kept the lock past the wait. */
  | 'busy'
  /** A page asked for the lock: this worker finished its runs in flight and let go. */
  | 'yielded';

export interface LeadOptions {
  /** How long to wait for the scheduler lock; 0 = only if it is free now. */
  waitMs: number;
  /** Stop taking new work this long after the wake-up began (its event's time limit). */
  budgetMs: number;
}

export interface ServiceWorkerExecutor {
  /** Leads (if it can) and runs due work within the budget; what the listeners call. */
  lead(options: LeadOptions): Promise<LeadOutcome>;
}

/**
 * Chromium cuts a `sync` event at 3 minutes and any other event at about 5 (see
 * reference/web-platform.md): each wake-up waits for the lock and then runs work within those
 * limits, leaving room for a run in flight to end.
 */
const SYNC = { waitMs: 120_000, budgetMs: 150_000 };
const MESSAGE = { waitMs: 150_000, budgetMs: 240_000 };
/** No event keeps the worker alive: Chromium stops it about 30 s after its last event. */
const UNEXTENDED = { waitMs: 0, budgetMs: 20_000 };
/** Between slices, while work waits for a constraint or a delay. */
const SLICE_PAUSE_MS = 2_000;
/** How often to look for a page that wants the lock while this worker leads. */
const YIELD_POLL_MS = 250;

/**
 * Runs work in the service worker when no tab leads: the same worker definitions as the page's
 * executor, woken by Background Sync (`sync` with the pages' tag), a page's `work:wake` message
 * (sent when it leaves), `online`, and the worker's own start (which also follows `activate`). It gives the lock back between
 * works as soon as a page's executor asks for it, and rejects a `sync` event that must stop
 * with work left, so that the browser tries again later.
 */
export function installServiceWorkerExecutor(
  options: ServiceWorkerExecutorOptions,
): ServiceWorkerExecutor {
  const runtime = new ServiceWorkerRuntime(options);
  const tag = options.syncTag ?? syncTagFor(options.name);
  // lib.webworker does not declare Background Sync's SyncEvent.
  self.addEventListener('sync', (event) => {
    const sync = event as ExtendableEvent & { tag?: string };
    if (sync.tag === tag) sync.waitUntil(runtime.onSync());
  });
  self.addEventListener('message', (event) => {
    const data: unknown = event.data;
    if (isRuntimeMessage(data) && data.type === 'work:wake' && data.name === options.name) {
      event.waitUntil(runtime.lead(MESSAGE));
    }
  });
  self.addEventListener('online', () => void runtime.lead(UNEXTENDED));
  void runtime.lead(UNEXTENDED);
  return runtime;
}

class ServiceWorkerRuntime implements ServiceWorkerExecutor {
  private scheduler: Promise<Scheduler> | null = null;
  private current: Promise<LeadOutcome> | null = null;
  private readonly lockName: string;

  constructor(private readonly options: ServiceWorkerExecutorOptions) {
    this.lockName = schedulerLockName(options.name);
  }

  /** A `sync` event: rejecting it makes the browser retry later (three tries in all). */
  async onSync(): Promise<void> {
    const outcome = await this.lead(SYNC);
    if (outcome === 'remaining') throw new Error('work: pending work remains; retry the sync');
    if (outcome === 'busy' || outcome === 'yielded') await this.keepTagWhileAPageLeads();
  }

  /**
   * Wake-ups coalesce: one attempt at a time in this worker, so that any other request queued
   * for the lock belongs to another context (a page), which is what `wantedElsewhere` looks for.
   */
  async lead(options: LeadOptions): Promise<LeadOutcome> {
    const started = Date.now();
    for (;;) {
      if (!this.current) {
        const waitMs = Math.max(0, options.waitMs - (Date.now() - started));
        const attempt = this.attempt(waitMs, started + options.budgetMs);
        this.current = attempt.finally(() => (this.current = null));
        return this.current;
      }
      const outcome = await this.current;
      const waitedEnough = Date.now() - started >= options.waitMs;
      if (outcome !== 'busy' || waitedEnough) return outcome;
    }
  }

  /** One wake-up: waits for the scheduler lock (or takes it only if free) and runs slices. */
  private async attempt(waitMs: number, until: number): Promise<LeadOutcome> {
    const locks = navigator.locks;
    const request =
      waitMs > 0
        ? locks.request(this.lockName, { signal: AbortSignal.timeout(waitMs) }, () =>
            this.runSlices(until),
          )
        : locks.request(this.lockName, { ifAvailable: true }, (lock) =>
            lock ? this.runSlices(until) : ('busy' as const),
          );
    const outcome = await request.catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'TimeoutError') return 'busy' as const;
      throw error;
    });
    this.options.trace?.('sw-lead', { waitMs, outcome });
    return outcome;
  }

  /** Drains in slices until nothing is pending, the budget ends, or a page wants the lock. */
  private async runSlices(until: number): Promise<LeadOutcome> {
    // A page's executor queued behind this wake-up: it leads, this worker steps aside.
    if (await this.wantedElsewhere()) return 'yielded';
    const scheduler = await this.getScheduler();
    const handOver = new AbortController();
    const watching = this.watchForPages(handOver);
    try {
      for (;;) {
        if (handOver.signal.aborted) return 'yielded';
        const { remaining } = await scheduler.drain({ deadline: until, signal: handOver.signal });
        if (handOver.signal.aborted) return 'yielded';
        if (!remaining) return 'done';
        if (Date.now() + SLICE_PAUSE_MS >= until) return 'remaining';
        await pause(SLICE_PAUSE_MS, handOver.signal);
      }
    } finally {
      clearInterval(watching);
    }
  }

  /** A page's executor queued for the lock: stop taking work so that it leads. */
  private watchForPages(handOver: AbortController): ReturnType<typeof setInterval> {
    return setInterval(() => {
      void this.wantedElsewhere().then((wanted) => wanted && handOver.abort());
    }, YIELD_POLL_MS);
  }

  /** Wake-ups coalesce (see `lead`), so a request queued for the lock is another context's. */
  private async wantedElsewhere(): Promise<boolean> {
    const state = await navigator.locks.query();
    return state.pending?.some((l) => l.name === this.lockName) ?? false;
  }

  /**
   * A page leads, so this event ends without running anything. While a window is open the
   * service worker may register the tag itself (*seen* in Chromium 156): doing so keeps a
   * `sync` event waiting for the lock, which takes over the moment the last tab closes.
   */
  private async keepTagWhileAPageLeads(): Promise<void> {
    const windows = await self.clients.matchAll({ type: 'window' });
    if (windows.length === 0) return;
    const sync = (self.registration as { sync?: { register(tag: string): Promise<void> } }).sync;
    await sync?.register(this.options.syncTag ?? syncTagFor(this.options.name)).catch(() => {});
  }

  private getScheduler(): Promise<Scheduler> {
    this.scheduler ??= createScheduler({
      maxConcurrency: 2,
      connectivityProbe: probeScope,
      ...this.options,
    });
    return this.scheduler;
  }
}

/**
 * Connected = the origin answers (any status). The service worker's own fetches bypass its
 * fetch handler, so this really goes to the network.
 */
async function probeScope(): Promise<boolean> {
  const request = fetch(self.registration.scope, {
    method: 'HEAD',
    cache: 'no-store',
    signal: AbortSignal.timeout(5_000),
  });
  return request.then(
    () => true,
    () => false,
  );
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
