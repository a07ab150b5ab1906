import { describe, expect, it } from 'vitest';
import { gate, waitForState } from './helpers';
import { defineWorker, oneTimeWork, retry, success, type WorkInfo } from '../../../src/work/index';
import { createTestWorkManager } from '../../../src/work/testing';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function holdWorker(name = 'hold') {
  const release = gate<'done'>();
  const started = gate();
  const signals: AbortSignal[] = [];
  let runs = 0;
  const worker = defineWorker(name, async ({ signal }) => {
    runs++;
    signals.push(signal);
    started.open();
    await release.promise;
    return success({ late: true });
  });
  return { worker, release, started: started.promise, signals, runs: () => runs };
}

describe('cancel', () => {
  it('aborts a running worker and ignores its late result', async () => {
    const h = holdWorker();
    const { manager, driver } = await createTestWorkManager({ workers: [h.worker] });
    const req = oneTimeWork('hold');
    const dependent = oneTimeWork('hold');
    await manager.beginWith(req).then(dependent).enqueue();
    await waitForState(manager, req.id, 'RUNNING');
    await manager.cancelWorkById(req.id);
    await new Promise((r) => setTimeout(r, 10));
    expect(h.signals[0].aborted).toBe(true);
    h.release.open('done');
    await driver.runUntilIdle();
    const [a, b] = await manager.getWorkInfos({ ids: [req.id, dependent.id] });
    expect(a.state).toBe('CANCELLED');
    expect(a.stopReason).toBe('cancelled-by-app');
    expect(a.outputData).toEqual({});
    expect(b.state).toBe('CANCELLED');
  });

  it('cancels by tag, by unique name and all, leaving finished work alone', async () => {
    const ok = defineWorker('ok', () => success());
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const done = oneTimeWork('ok', { tags: ['a'] });
    await manager.enqueue(done);
    await driver.runUntilIdle();
    const later = { initialDelayMs: MINUTE };
    const byTag = oneTimeWork('ok', { ...later, tags: ['a'] });
    const byName = oneTimeWork('ok', later);
    const rest = oneTimeWork('ok', later);
    await manager.enqueue(byTag);
    await manager.enqueueUniqueWork('u', 'replace', byName);
    await manager.enqueue(rest);
    await manager.cancelAllWorkByTag('a');
    expect((await manager.getWorkInfoById(byTag.id))?.state).toBe('CANCELLED');
    expect((await manager.getWorkInfoById(done.id))?.state).toBe('SUCCEEDED');
    await manager.cancelUniqueWork('u');
    expect((await manager.getWorkInfoById(byName.id))?.state).toBe('CANCELLED');
    expect((await manager.getWorkInfoById(rest.id))?.state).toBe('ENQUEUED');
    await manager.cancelAllWork();
    expect((await manager.getWorkInfoById(rest.id))?.state).toBe('CANCELLED');
  });
});

describe('constraints', () => {
  it('keeps work ENQUEUED while unmet, and runs it when met', async () => {
    let runs = 0;
    const net = defineWorker('net', () => (runs++, success()));
    const { manager, driver } = await createTestWorkManager({ workers: [net] });
    await driver.setConstraints({ network: 'metered', batteryLow: true });
    const unmetered = oneTimeWork('net', { constraints: { network: 'unmetered' } });
    const battery = oneTimeWork('net', { constraints: { batteryNotLow: true } });
    const connected = oneTimeWork('net', { constraints: { network: 'connected' } });
    await manager.enqueue([unmetered, battery, connected]);
    await driver.runUntilIdle();
    expect(runs).toBe(1);
    expect((await manager.getWorkInfoById(unmetered.id))?.state).toBe('ENQUEUED');
    await driver.setConstraints({ network: 'unmetered' });
    expect((await manager.getWorkInfoById(unmetered.id))?.state).toBe('SUCCEEDED');
    expect((await manager.getWorkInfoById(battery.id))?.state).toBe('ENQUEUED');
    await driver.setAllConstraintsMet(battery.id);
    expect((await manager.getWorkInfoById(battery.id))?.state).toBe('SUCCEEDED');
  });

  it('stops running work whose constraint is lost, re-enqueued with that stop reason', async () => {
    const h = holdWorker();
    const { manager, driver } = await createTestWorkManager({ workers: [h.worker] });
    const req = oneTimeWork('hold', { constraints: { charging: true, storageNotLow: true } });
    await manager.enqueue(req);
    await waitForState(manager, req.id, 'RUNNING');
    driver.constraints.set({ charging: false });
    const info = await waitForState(manager, req.id, 'ENQUEUED');
    expect(info.stopReason).toBe('constraint-charging');
    expect(info.runAttemptCount).toBe(1);
    expect(h.signals[0].aborted).toBe(true);
    h.release.open('done');
    await driver.runUntilIdle();
    expect((await manager.getWorkInfoById(req.id))?.state).toBe('ENQUEUED');
    await driver.setConstraints({ charging: true, storageLow: true });
    await driver.advanceTime(MINUTE);
    expect(h.runs()).toBe(1);
    await driver.setConstraints({ storageLow: false });
    expect(h.runs()).toBe(2);
    expect((await manager.getWorkInfoById(req.id))?.state).toBe('SUCCEEDED');
  });
});

describe('stops, timeouts and crashes', () => {
  it('stops a run after the timeout, stop reason timeout', async () => {
    let runs = 0;
    // A well-behaved worker: it ends when its signal aborts (its result is then ignored).
    const slow = defineWorker('slow', async ({ signal }) => {
      runs++;
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return success({ late: true });
    });
    const { manager, driver } = await createTestWorkManager({
      workers: [slow],
      runTimeoutMs: 5 * MINUTE,
    });
    const req = oneTimeWork('slow', { maxAttempts: 2 });
    await manager.enqueue(req);
    await waitForState(manager, req.id, 'RUNNING');
    await driver.advanceTime(5 * MINUTE);
    const info = (await manager.getWorkInfoById(req.id))!;
    expect(info.state).toBe('ENQUEUED');
    expect(info.stopReason).toBe('timeout');
    expect(info.outputData).toEqual({});
    driver.clock.advance(30_000);
    await waitForState(manager, req.id, 'RUNNING');
    await driver.advanceTime(5 * MINUTE);
    const failed = (await manager.getWorkInfoById(req.id))!;
    expect(failed.state).toBe('FAILED');
    expect(failed.error?.code).toBe('max-attempts');
    expect(failed.stopReason).toBe('timeout');
    expect(runs).toBe(2);
  });

  it('driver.stop stops a run with a reason', async () => {
    const h = holdWorker();
    const { manager, driver } = await createTestWorkManager({ workers: [h.worker] });
    const req = oneTimeWork('hold');
    await manager.enqueue(req);
    await waitForState(manager, req.id, 'RUNNING');
    const stopped = driver.stop(req.id, 'constraint-network');
    await waitForState(manager, req.id, 'ENQUEUED');
    h.release.open('done');
    await stopped;
    expect((await manager.getWorkInfoById(req.id))?.stopReason).toBe('constraint-network');
  });

  it('recovers work left RUNNING by a crashed executor and runs it again', async () => {
    const h = holdWorker();
    const { manager, driver } = await createTestWorkManager({ workers: [h.worker] });
    const req = oneTimeWork('hold');
    const next = oneTimeWork('hold');
    await manager.beginWith(req).then(next).enqueue();
    await h.started;
    const crashed = driver.crash();
    const back = await waitFor2(manager, req.id);
    expect(back.map((i) => i.state)).toContain('ENQUEUED');
    h.release.open('done');
    await crashed;
    await driver.runUntilIdle();
    const [a, b] = await manager.getWorkInfos({ ids: [req.id, next.id] });
    expect(a.state).toBe('SUCCEEDED');
    expect(a.runAttemptCount).toBe(2);
    expect(a.stopReason).toBe('unknown');
    expect(b.state).toBe('SUCCEEDED');
    expect(h.runs()).toBe(3);
  });
});

/** Every state `id` passes through from now until SUCCEEDED. */
function waitFor2(manager: Parameters<typeof waitForState>[0], id: string): Promise<WorkInfo[]> {
  const seen: WorkInfo[] = [];
  return new Promise((resolve) => {
    const stop = manager.observe({ ids: [id] }, ([info]) => {
      if (!info) return;
      seen.push(info);
      if (info.state === 'RUNNING' && info.runAttemptCount === 2) {
        queueMicrotask(stop);
        resolve(seen);
      }
    });
  });
}

describe('update, prune and retention', () => {
  it('updateWork: not applied when finished, now when waiting, next run when running', async () => {
    const h = holdWorker();
    const ok = defineWorker('ok', () => success());
    const { manager, driver } = await createTestWorkManager({ workers: [h.worker, ok] });
    const done = oneTimeWork('ok');
    await manager.enqueue(done);
    await driver.runUntilIdle();
    expect(await manager.updateWork(oneTimeWork('ok', { id: done.id }))).toBe('not-applied');

    const waiting = oneTimeWork('ok', { initialDelayMs: 10 * MINUTE });
    await manager.enqueue(waiting);
    const result = await manager.updateWork(
      oneTimeWork('ok', { id: waiting.id, initialDelayMs: MINUTE, input: { v: 2 } }),
    );
    expect(result).toBe('applied-immediately');
    const info = (await manager.getWorkInfoById(waiting.id))!;
    expect(info.generation).toBe(1);
    expect(info.input).toEqual({ v: 2 });
    expect(info.nextScheduleTimeMs).toBe(info.enqueuedAt + MINUTE);
    await driver.advanceTime(MINUTE);
    expect((await manager.getWorkInfoById(waiting.id))?.state).toBe('SUCCEEDED');

    const running = oneTimeWork('hold');
    await manager.enqueue(running);
    await waitForState(manager, running.id, 'RUNNING');
    expect(await manager.updateWork(oneTimeWork('hold', { id: running.id, tags: ['x'] }))).toBe(
      'applied-for-next-run',
    );
    h.release.open('done');
    await driver.runUntilIdle();
    const ran = (await manager.getWorkInfoById(running.id))!;
    expect(ran.state).toBe('SUCCEEDED');
    expect(ran.tags).toEqual(['hold', 'x']);
    await expect(manager.updateWork(oneTimeWork('ok'))).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('pruneWork deletes finished work with no unfinished dependents', async () => {
    const ok = defineWorker('ok', () => success());
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const a = oneTimeWork('ok');
    const b = oneTimeWork('ok', { initialDelayMs: MINUTE });
    const solo = oneTimeWork('ok');
    await manager.beginWith(a).then(b).enqueue();
    await manager.enqueue(solo);
    await driver.runUntilIdle();
    await manager.pruneWork();
    expect((await manager.getWorkInfos({})).map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    await driver.advanceTime(MINUTE);
    await manager.pruneWork();
    expect(await manager.getWorkInfos({})).toEqual([]);
  });

  it('prunes finished work older than a day (or keepResultsForMs) when an executor starts', async () => {
    const ok = defineWorker('ok', () => success());
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const short = oneTimeWork('ok');
    const long = oneTimeWork('ok', { keepResultsForMs: 3 * DAY });
    await manager.enqueue([short, long]);
    await driver.runUntilIdle();
    driver.clock.advance(DAY);
    await driver.crash();
    expect((await manager.getWorkInfos({})).map((i) => i.id)).toEqual([long.id]);
    driver.clock.advance(2 * DAY);
    await driver.crash();
    expect(await manager.getWorkInfos({})).toEqual([]);
  });

  it('setInitialDelayMet runs delayed work at once', async () => {
    const ok = defineWorker('ok', () => success());
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const req = oneTimeWork('ok', { initialDelayMs: 60 * MINUTE });
    await manager.enqueue(req);
    await driver.runUntilIdle();
    expect((await manager.getWorkInfoById(req.id))?.state).toBe('ENQUEUED');
    await driver.setInitialDelayMet(req.id);
    expect((await manager.getWorkInfoById(req.id))?.state).toBe('SUCCEEDED');
  });

  it('counts the attempt when the work is claimed', async () => {
    const counts: number[] = [];
    const w = defineWorker('w', ({ runAttemptCount }) => (counts.push(runAttemptCount), retry()));
    const { manager, driver } = await createTestWorkManager({ workers: [w] });
    const req = oneTimeWork('w', { initialDelayMs: 1000 });
    await manager.enqueue(req);
    await driver.runUntilIdle();
    expect((await manager.getWorkInfoById(req.id))?.runAttemptCount).toBe(0);
    await driver.advanceTime(1000);
    expect((await manager.getWorkInfoById(req.id))?.runAttemptCount).toBe(1);
    await driver.advanceTime(30_000);
    expect(counts).toEqual([1, 2]);
  });
});
