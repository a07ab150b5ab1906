import { MemoryBroadcast } from './broadcast';
import { ManualClock } from './clock';
import { MemoryConstraints, type ConstraintState } from './constraints';
import type { AnyWorkerDefinition, WorkResult, WorkerDefinition } from './defineWorker';
import { checkData } from './data';
import { MemoryLocks } from './locks';
import type { Scheduler } from './Scheduler';
import { createScheduler } from './startExecutor';
import type { Data, StopReason } from './types';
import { WorkManager } from './WorkManager';

/** The test kit (androidx work-testing): a manager and an executor on an injected clock. */
export interface TestWorkManagerOptions {
  workers: readonly AnyWorkerDefinition[];
  /** A fresh database name by default, so tests never share work. */
  name?: string;
  indexedDB?: IDBFactory;
  runTimeoutMs?: number;
  maxConcurrency?: number;
  progressIntervalMs?: number;
}

export interface TestWorkManager {
  manager: WorkManager;
  driver: TestDriver;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Drives the executor side: time, constraints, stops and crashes. The manager and the executor
 * are two "contexts" (own connection, own channel) joined by an in-memory BroadcastChannel.
 */
export class TestDriver {
  readonly clock = new ManualClock();
  readonly constraints = new MemoryConstraints();
  readonly locks = new MemoryLocks();
  readonly broadcast = new MemoryBroadcast();
  private current: Scheduler | undefined;

  constructor(private readonly options: TestWorkManagerOptions & { name: string }) {}

  get scheduler(): Scheduler {
    if (!this.current) throw new Error('the test executor is not started');
    return this.current;
  }

  /** @internal */
  async startExecutor(): Promise<void> {
    this.current = await createScheduler({
      ...this.options,
      clock: this.clock,
      locks: this.locks,
      constraints: this.constraints,
      broadcast: this.broadcast.factory,
    });
    await this.current.start();
  }

  /**
   * Runs until nothing is due, claimed or running. A worker that waits on something only the
   * test can release keeps this from returning: release it first, or use `settle`.
   */
  async runUntilIdle(): Promise<void> {
    await this.wait(true);
  }

  /** Waits until the library has nothing in flight; workers may still be running. */
  async settle(): Promise<void> {
    await this.wait(false);
  }

  private async wait(idle: boolean): Promise<void> {
    for (let settled = 0; settled < 2;) {
      await (idle ? this.scheduler.whenIdle() : this.scheduler.whenSettled());
      await macrotask();
      settled = this.scheduler.isBusy(idle) ? 0 : settled + 1;
    }
  }

  /**
   * Moves the injected clock timer by timer (due work, backoff, timeouts), letting the library
   * settle after each as if the time had really passed; then runs until idle, unless a worker
   * is still running (a worker that waits for its signal, say).
   */
  async advanceTime(ms: number): Promise<void> {
    await this.settle();
    const end = this.clock.now() + ms;
    for (let at = this.clock.nextTimerAt(); at !== undefined && at <= end;) {
      this.clock.advanceTo(at);
      await this.settle();
      at = this.clock.nextTimerAt();
    }
    this.clock.advanceTo(end);
    await this.settle();
  }

  async setConstraints(state: {
    network?: ConstraintState['network'];
    batteryLow?: boolean;
    charging?: boolean;
    storageLow?: boolean;
  }): Promise<void> {
    this.constraints.set(state);
    await this.runUntilIdle();
  }

  async setAllConstraintsMet(id: string): Promise<void> {
    this.scheduler.setAllConstraintsMet(id);
    await this.runUntilIdle();
  }

  async setInitialDelayMet(id: string): Promise<void> {
    this.scheduler.setDelayMet(id);
    await this.runUntilIdle();
  }

  async setPeriodDelayMet(id: string): Promise<void> {
    this.scheduler.setDelayMet(id);
    await this.runUntilIdle();
  }

  /** Stops a running work as the system would (its signal aborts; re-enqueued with `reason`). */
  async stop(id: string, reason: StopReason = 'unknown'): Promise<void> {
    await this.scheduler.stopWork(id, reason);
    await this.runUntilIdle();
  }

  /** The executor dies mid-work: its locks go, nothing it does is written; a new one starts. */
  async crash(): Promise<void> {
    this.scheduler.kill();
    await macrotask();
    await this.startExecutor();
    await this.runUntilIdle();
  }

  async close(): Promise<void> {
    await this.current?.stop();
  }
}

export async function createTestWorkManager(
  options: TestWorkManagerOptions,
): Promise<TestWorkManager> {
  const name = options.name ?? `test-${crypto.randomUUID()}`;
  const driver = new TestDriver({ ...options, name });
  const manager = await WorkManager.open({
    name,
    indexedDB: options.indexedDB,
    clock: driver.clock,
    broadcast: driver.broadcast.factory,
  });
  await driver.startExecutor();
  return { manager, driver };
}

export interface RunWorkerOptions<In extends Data> {
  input?: In;
  runAttemptCount?: number;
  id?: string;
  tags?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: Data) => void;
}

/** Runs one worker alone, with no manager (TestListenableWorkerBuilder). A throw is rethrown. */
export async function runWorker<In extends Data, Out extends Data>(
  definition: WorkerDefinition<In, Out>,
  options: RunWorkerOptions<In> = {},
): Promise<WorkResult<Out>> {
  const id = options.id ?? crypto.randomUUID();
  return definition.run({
    id,
    input: checkData(options.input ?? {}, 'input') as In,
    tags: options.tags ?? [definition.name],
    runAttemptCount: options.runAttemptCount ?? 1,
    signal: options.signal ?? new AbortController().signal,
    setProgress: (p) => {
      options.onProgress?.(checkData(p, 'progress'));
      return Promise.resolve();
    },
  });
}
