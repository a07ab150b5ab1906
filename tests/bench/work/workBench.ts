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
  raw_idb_tx_per_s: number;
  latencyJobs: number;
  enqueue_to_running_p50_ms: number;
  enqueue_to_running_p95_ms: number;
  enqueue_to_succeeded_p50_ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sequential single-put readwrite transactions at the durability enqueue and finish use. */
async function rawTransactionsPerSecond(count: number): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(`bench-raw-${crypto.randomUUID()}`, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('s');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error('open failed'));
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
      tx.objectStore('s').put({ i, state: 'ENQUEUED' }, i);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
    });
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return count / seconds;
}

/** Polls cheaply: only once every job has started is the store asked what is left. */
async function whenAllFinished(manager: WorkManager, started: () => number, jobs: number) {
  while (started() < jobs) await new Promise((resolve) => setTimeout(resolve, 20));
  for (;;) {
    const left = await manager.getWorkInfos({ states: ['ENQUEUED', 'RUNNING', 'BLOCKED'] });
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
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

/** 2,000 no-op jobs through the real store, one enqueue each, then enqueue → RUNNING alone. */
export async function runWorkBench(jobs = 2000, latencyJobs = 200): Promise<WorkBenchFigures> {
  const rawTransactions = 2000;
  const raw_idb_tx_per_s = await rawTransactionsPerSecond(rawTransactions);
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

  const start = performance.now();
  for (let i = 0; i < jobs; i++) await manager.enqueue(oneTimeWork('noop'));
  await whenAllFinished(manager, () => startedAt.size, jobs);
  const jobsSeconds = (performance.now() - start) / 1000;

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
    rawTransactions,
    raw_idb_tx_per_s,
    latencyJobs,
    enqueue_to_running_p50_ms: percentile(toRunning, 50),
    enqueue_to_running_p95_ms: percentile(toRunning, 95),
    enqueue_to_succeeded_p50_ms: percentile(toSucceeded, 50),
  };
}

Object.assign(globalThis, { runWorkBench });
