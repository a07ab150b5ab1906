import { BATTERY_KEY } from './batteryReading';
import { systemClock } from './clock';
import { BrowserConstraints, type ConstraintSource } from './constraints';
import type { AnyWorkerDefinition } from './defineWorker';
import { Leadership } from './Leadership';
import { browserLocks, MemoryLocks, type LockManagerLike } from './locks';
import { isRuntimeMessage } from './runtimeMessages';
import { Scheduler, schedulerLockName, type TraceFn } from './Scheduler';
import { openWorkStore, type WorkManagerOptions } from './WorkManager';

export interface ExecutorOptions extends WorkManagerOptions {
  workers: readonly AnyWorkerDefinition[];
  /** navigator.locks by default; inject a shared fake where there is none (Node). */
  locks?: LockManagerLike;
  constraints?: ConstraintSource;
  maxConcurrency?: number;
  runTimeoutMs?: number;
  rescanMs?: number;
  progressIntervalMs?: number;
  /** Judges connectivity by a request where navigator.onLine is unreliable (service worker). */
  connectivityProbe?: () => Promise<boolean>;
  /** The page that started this executor, heard for 'pause' / 'resume' (see runtimeMessages). */
  page?: CommandSource;
  /** Told the scheduler's decisions (see Scheduler's `trace`): for debugging. */
  trace?: TraceFn;
}

export interface Executor {
  readonly scheduler: Scheduler;
  /** Resolves once this context holds the scheduler lock and has started. */
  readonly leading: Promise<void>;
  /** Gives up the lock at once (runs in flight finish under this executor's lease). */
  pause(): Promise<void>;
  /** Queues for the lock again after `pause()`. */
  resume(): void;
  /** Stops taking work, waits for the runs in flight, then gives up the lock. */
  stop(): Promise<void>;
}

/** Builds a scheduler on its own connection: what startExecutor and the service worker share. */
export async function createScheduler(options: ExecutorOptions): Promise<Scheduler> {
  const clock = options.clock ?? systemClock;
  const store = await openWorkStore({ ...options, clock });
  return new Scheduler({
    name: options.name,
    store,
    workers: options.workers,
    clock,
    locks: options.locks ?? browserLocks() ?? new MemoryLocks(),
    constraints:
      options.constraints ??
      new BrowserConstraints({
        sharedBattery: () => store.readMeta(BATTERY_KEY),
        probe: options.connectivityProbe,
      }),
    maxConcurrency: options.maxConcurrency,
    runTimeoutMs: options.runTimeoutMs,
    rescanMs: options.rescanMs,
    progressIntervalMs: options.progressIntervalMs,
    trace: options.trace,
  });
}

/** Where an executor hears its page: a dedicated worker's global scope, or a MessagePort. */
export interface CommandSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/**
 * Runs work in this context (the page's executor Worker) while it holds the scheduler lock:
 * one scheduler per database at a time; the next waiting context takes over when it stops.
 * With `page`, the page that started it can make it give up the lock (frozen, hidden) and take
 * it back (resumed, shown): see openPageWorkManager.
 */
export async function startExecutor(options: ExecutorOptions): Promise<Executor> {
  const scheduler = await createScheduler(options);
  const locks = options.locks ?? browserLocks() ?? new MemoryLocks();
  const lead = new Leadership(locks, schedulerLockName(options.name), scheduler);
  options.page?.addEventListener('message', ({ data }) => {
    if (!isRuntimeMessage(data) || data.type !== 'work:executor') return;
    if (data.command === 'pause') void lead.give();
    else lead.take();
  });
  lead.take();
  return {
    scheduler,
    leading: lead.leading,
    pause: () => lead.give(),
    resume: () => lead.take(),
    stop: () => lead.close(),
  };
}
