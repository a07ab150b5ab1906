import { systemClock } from './clock';
import { BrowserConstraints, type ConstraintSource } from './constraints';
import type { AnyWorkerDefinition } from './defineWorker';
import { browserLocks, MemoryLocks, type LockManagerLike } from './locks';
import { Scheduler, schedulerLockName } from './Scheduler';
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
}

export interface Executor {
  readonly scheduler: Scheduler;
  /** Resolves once this context holds the scheduler lock and has started. */
  readonly leading: Promise<void>;
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
    constraints: options.constraints ?? new BrowserConstraints(),
    maxConcurrency: options.maxConcurrency,
    runTimeoutMs: options.runTimeoutMs,
    rescanMs: options.rescanMs,
    progressIntervalMs: options.progressIntervalMs,
  });
}

/**
 * Runs work in this context (the page's executor Worker) while it holds the scheduler lock:
 * one scheduler per database at a time; the next waiting context takes over when it stops.
 */
export async function startExecutor(options: ExecutorOptions): Promise<Executor> {
  const scheduler = await createScheduler(options);
  const locks = options.locks ?? browserLocks() ?? new MemoryLocks();
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const leading = new Promise<void>((resolve, reject) => {
    locks
      .request(schedulerLockName(options.name), {}, async () => {
        await scheduler.start();
        resolve();
        await released;
      })
      .catch(reject);
  });
  return {
    scheduler,
    leading,
    stop: async () => {
      await scheduler.close();
      release();
    },
  };
}
