import {
  defineWorker,
  MemoryConstraints,
  oneTimeWork,
  startExecutor,
  success,
  WorkManager,
} from '../../../src/work/index';

/** What one bench run measured, in the browser that ran it. */
export interface WorkBenchFigures {
  jobs: number;
  jobsSeconds: number;
  jobs_per_s: number;
  rawTransactions: number;
  rawSeconds: number;
  raw_idb_tx_per_s: number;
  /** How many slices each of the jobs and the raw transactions were run in, alternately. */
  slices: number;
  /** Each slice's jobs/s over the raw tx/s of the slice just before it. */
  sliceRatios: number[];
  latencyJobs: number;
  enqueue_to_running_p50_ms: number;
  enqueue_to_running_p95_ms: number;
  enqueue_to_succeeded_p50_ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A fresh database with one object store, for the raw transactions. */
function openRawDb(): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(`bench-raw-${crypto.randomUUID()}`, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('s');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error('open failed'));
  });
}

/**
 * Keys from..from+count-1, each put in a readwrite transaction of its own, one after another, at
 * the durability enqueue and finish use.
 */
async function rawTransactions(db: IDBDatabase, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
      tx.objectStore('s').put({ i, state: 'ENQUEUED' }, i);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
    });
  }
}

/** Once `last` (a slice's last work) has succeeded, until no work is left unfinished. */
async function whenAllFinished(manager: WorkManager, last: string): Promise<void> {
  await whenSucceeded(manager, last);
  for (;;) {
    const left = await manager.getWorkInfos({ states: ['ENQUEUED', 'RUNNING', 'BLOCKED'] });
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function whenSucceeded(manager: WorkManager, id: string): Promise<number> {
  return new Promise((resolve) => {
    const stop = manager.observe({ ids: [id] }, ([info]) => {
      if (info?.state !== 'SUCCEEDED') return;
      queueMicrotask(stop);
      resolve(performance.now());
    });
  });
}

/**
 * 2,000 raw transactions, then 2,000 no-op jobs through the real store (one enqueue each, run
 * until all have succeeded); then enqueue → RUNNING one work at a time with the scheduler idle.
 * With `slices` > 1, the raw transactions and the jobs alternate in that many slices (raw, jobs,
 * raw, jobs, …), so that a swing in the machine's speed during the run falls on both rates alike.
 */
export async function runWorkBench(
  jobs = 2000,
  latencyJobs = 200,
  slices = 1,
): Promise<WorkBenchFigures> {
  const rawTransactionCount = 2000;
  const rawDb = await openRawDb();
  const name = `bench-${crypto.randomUUID()}`;
  const manager = await WorkManager.open({ name });
  const startedAt = new Map<string, number>();
  const noop = defineWorker('noop', ({ id }) => {
    startedAt.set(id, performance.now());
    return success();
  });
  const executor = await startExecutor({
    name,
    workers: [noop],
    constraints: new MemoryConstraints(),
  });
  await executor.leading;

  let rawMs = 0;
  let jobsMs = 0;
  let rawDone = 0;
  let jobsDone = 0;
  const sliceRatios: number[] = [];
  for (let s = 1; s <= slices; s++) {
    const rawCount = Math.round((rawTransactionCount * s) / slices) - rawDone;
    let t = performance.now();
    await rawTransactions(rawDb, rawDone, rawCount);
    const rawSliceMs = performance.now() - t;
    const jobCount = Math.round((jobs * s) / slices) - jobsDone;
    t = performance.now();
    let last = '';
    for (let i = 0; i < jobCount; i++) {
      const request = oneTimeWork('noop');
      last = request.id;
      await manager.enqueue(request);
    }
    await whenAllFinished(manager, last);
    const jobsSliceMs = performance.now() - t;
    sliceRatios.push(jobCount / jobsSliceMs / (rawCount / rawSliceMs));
    rawMs += rawSliceMs;
    jobsMs += jobsSliceMs;
    rawDone += rawCount;
    jobsDone += jobCount;
  }
  rawDb.close();
  const jobsSeconds = jobsMs / 1000;

  const toRunning: number[] = [];
  const toSucceeded: number[] = [];
  for (let i = 0; i < latencyJobs; i++) {
    const request = oneTimeWork('noop');
    const t0 = performance.now();
    const done = whenSucceeded(manager, request.id);
    await manager.enqueue(request);
    const finished = await done;
    toRunning.push(startedAt.get(request.id)! - t0);
    toSucceeded.push(finished - t0);
  }
  await executor.stop();
  manager.close();
  return {
    jobs,
    jobsSeconds,
    jobs_per_s: jobs / jobsSeconds,
    rawTransactions: rawTransactionCount,
    rawSeconds: rawMs / 1000,
    raw_idb_tx_per_s: rawTransactionCount / (rawMs / 1000),
    slices,
    sliceRatios,
    latencyJobs,
    enqueue_to_running_p50_ms: percentile(toRunning, 50),
    enqueue_to_running_p95_ms: percentile(toRunning, 95),
    enqueue_to_succeeded_p50_ms: percentile(toSucceeded, 50),
  };
}

Object.assign(globalThis, { runWorkBench });
