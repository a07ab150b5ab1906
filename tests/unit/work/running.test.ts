import { describe, expect, it } from 'vitest';
import { gate, waitFor, waitForState } from './helpers';
import {
  defineWorker,
  failure,
  oneTimeWork,
  periodicWork,
  retry,
  success,
  WorkError,
  type WorkInfo,
} from '../../../src/work/index';
import { createTestWorkManager, runWorker } from '../../../src/work/testing';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('backoff', () => {
  it('retries exponentially at 30 s, 60 s, 120 s on the injected clock', async () => {
    const flaky = defineWorker('flaky', ({ runAttemptCount }) =>
      runAttemptCount < 4 ? retry() : success({ attempts: runAttemptCount }),
    );
    const { manager, driver } = await createTestWorkManager({ workers: [flaky] });
    const req = oneTimeWork('flaky');
    await manager.enqueue(req);
    await driver.runUntilIdle();
    for (const wait of [30, 60, 120]) {
      const info = (await manager.getWorkInfoById(req.id))!;
      expect(info.state).toBe('ENQUEUED');
      expect(info.nextScheduleTimeMs - driver.clock.now()).toBe(wait * SECOND);
      await driver.advanceTime(wait * SECOND - 1);
      expect((await manager.getWorkInfoById(req.id))!.state).toBe('ENQUEUED');
      await driver.advanceTime(1);
    }
    const done = (await manager.getWorkInfoById(req.id))!;
    expect(done.state).toBe('SUCCEEDED');
    expect(done.runAttemptCount).toBe(4);
    expect(done.outputData).toEqual({ attempts: 4 });
  });

  it('retries linearly, with the delay clamped to [10 s, 5 h]', async () => {
    const always = defineWorker('always', () => retry());
    const { manager, driver } = await createTestWorkManager({ workers: [always] });
    const linear = oneTimeWork('always', { backoff: { policy: 'linear', delayMs: 1 } });
    const huge = oneTimeWork('always', { backoff: { delayMs: 24 * 60 * MINUTE } });
    expect(linear.backoff).toEqual({ policy: 'linear', delayMs: 10 * SECOND });
    expect(huge.backoff.delayMs).toBe(5 * 60 * MINUTE);
    await manager.enqueue([linear, huge]);
    await driver.runUntilIdle();
    let info = (await manager.getWorkInfoById(linear.id))!;
    expect(info.nextScheduleTimeMs - driver.clock.now()).toBe(10 * SECOND);
    await driver.advanceTime(10 * SECOND);
    info = (await manager.getWorkInfoById(linear.id))!;
    expect(info.runAttemptCount).toBe(2);
    expect(info.nextScheduleTimeMs - driver.clock.now()).toBe(20 * SECOND);
    const big = (await manager.getWorkInfoById(huge.id))!;
    expect(big.nextScheduleTimeMs - driver.clock.now()).toBe(5 * 60 * MINUTE - 10 * SECOND);
  });

  it('ends FAILED with max-attempts after maxAttempts runs', async () => {
    const always = defineWorker('always', () => retry());
    const { manager, driver } = await createTestWorkManager({ workers: [always] });
    const req = oneTimeWork('always', { maxAttempts: 3 });
    await manager.enqueue(req);
    await driver.runUntilIdle();
    await driver.advanceTime(30 * SECOND);
    await driver.advanceTime(60 * SECOND);
    const info = (await manager.getWorkInfoById(req.id))!;
    expect(info.state).toBe('FAILED');
    expect(info.runAttemptCount).toBe(3);
    expect(info.error?.code).toBe('max-attempts');
  });
});

describe('workers', () => {
  it('fails work whose worker is not installed with unknown-worker', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [] });
    const req = oneTimeWork('nobody');
    await manager.enqueue(req);
    await driver.runUntilIdle();
    const info = (await manager.getWorkInfoById(req.id))!;
    expect(info.state).toBe('FAILED');
    expect(info.error?.code).toBe('unknown-worker');
  });

  it('counts a thrown error as failure', async () => {
    const thrower = defineWorker('thrower', () => {
      throw new Error('boom');
    });
    const { manager, driver } = await createTestWorkManager({ workers: [thrower] });
    const req = oneTimeWork('thrower');
    await manager.enqueue(req);
    await driver.runUntilIdle();
    const info = (await manager.getWorkInfoById(req.id))!;
    expect(info.state).toBe('FAILED');
    expect(info.error).toEqual({ code: 'worker-threw', message: 'boom' });
  });

  it('gives the worker its id, input, tags and attempt count', async () => {
    const seen: unknown[] = [];
    const spy = defineWorker('spy', (ctx) => {
      seen.push([ctx.id, ctx.input, ctx.tags, ctx.runAttemptCount, ctx.signal.aborted]);
      return success();
    });
    const { manager, driver } = await createTestWorkManager({ workers: [spy] });
    const req = oneTimeWork('spy', { input: { a: 1 }, tags: ['t'] });
    expect(req.tags).toEqual(['spy', 't']);
    await manager.enqueue(req);
    await driver.runUntilIdle();
    expect(seen).toEqual([[req.id, { a: 1 }, ['spy', 't'], 1, false]]);
  });

  it('runWorker runs one worker alone', async () => {
    const w = defineWorker<{ x: number }, { y: number }>(
      'w',
      async ({ input, runAttemptCount, setProgress }) => {
        await setProgress({ p: 50 });
        return runAttemptCount > 1 ? failure({ y: 0 }) : success({ y: input.x * 2 });
      },
    );
    const progress: unknown[] = [];
    const ok = await runWorker(w, { input: { x: 21 }, onProgress: (p) => progress.push(p) });
    expect(ok).toEqual({ type: 'success', output: { y: 42 } });
    expect(progress).toEqual([{ p: 50 }]);
    expect((await runWorker(w, { input: { x: 1 }, runAttemptCount: 2 })).type).toBe('failure');
  });
});

describe('data', () => {
  it('rejects oversize and invalid data when the request is built', () => {
    const big = 'x'.repeat(10 * 1024);
    expect(() => oneTimeWork('w', { input: { big } })).toThrowError(
      expect.objectContaining({ code: 'data-too-large' }) as Error,
    );
    expect(() => oneTimeWork('w', { input: { ok: 'x'.repeat(10 * 1024 - 20) } })).not.toThrow();
    for (const input of [
      { n: NaN },
      { n: Infinity },
      { d: new Date() },
      { o: { nested: 1 } },
      [1],
      { a: [[1]] },
    ]) {
      expect(() => oneTimeWork('w', { input })).toThrowError(
        expect.objectContaining({ code: 'invalid-data' }) as Error,
      );
    }
    expect(oneTimeWork('w', { input: { a: [1, 'b', null, true], n: null } }).input).toEqual({
      a: [1, 'b', null, true],
      n: null,
    });
  });

  it('fails work whose output is too large', async () => {
    const w = defineWorker('w', () => success({ big: 'x'.repeat(11 * 1024) }));
    const { manager, driver } = await createTestWorkManager({ workers: [w] });
    const req = oneTimeWork('w');
    await manager.enqueue(req);
    await driver.runUntilIdle();
    expect((await manager.getWorkInfoById(req.id))?.error?.code).toBe('data-too-large');
    expect(() => new WorkError('cycle')).not.toThrow();
  });
});

describe('periodic work', () => {
  it('clamps the interval to 15 minutes and the flex to [5 min, interval]', () => {
    const p = periodicWork('w', { intervalMs: 60_000, flexMs: 1 });
    expect(p.periodicity).toEqual({ intervalMs: 15 * MINUTE, flexMs: 5 * MINUTE });
    expect(periodicWork('w', { intervalMs: 60 * MINUTE }).periodicity.flexMs).toBe(60 * MINUTE);
  });

  it('re-enqueues after success and failure, resetting the attempt count', async () => {
    let n = 0;
    const tick = defineWorker('tick', () => (++n % 2 ? success({ n }) : failure()));
    const { manager, driver } = await createTestWorkManager({ workers: [tick] });
    const req = periodicWork('tick', { intervalMs: 1 });
    await manager.enqueue(req);
    await driver.runUntilIdle();
    expect(n).toBe(1);
    let info = (await manager.getWorkInfoById(req.id))!;
    expect(info.state).toBe('ENQUEUED');
    expect(info.outputData).toEqual({});
    expect(info.runAttemptCount).toBe(0);
    expect(info.nextScheduleTimeMs - driver.clock.now()).toBe(15 * MINUTE);
    await driver.advanceTime(15 * MINUTE - 1);
    expect(n).toBe(1);
    await driver.advanceTime(1);
    expect(n).toBe(2);
    info = (await manager.getWorkInfoById(req.id))!;
    expect(info.state).toBe('ENQUEUED');
    await driver.setPeriodDelayMet(req.id);
    expect(n).toBe(3);
  });

  it('delays the first period by interval - flex', async () => {
    let n = 0;
    const tick = defineWorker('tick', () => (n++, success()));
    const { manager, driver } = await createTestWorkManager({ workers: [tick] });
    await manager.enqueue(periodicWork('tick', { intervalMs: 60 * MINUTE, flexMs: 10 * MINUTE }));
    await driver.advanceTime(50 * MINUTE - 1);
    expect(n).toBe(0);
    await driver.advanceTime(1);
    expect(n).toBe(1);
  });
});

describe('progress', () => {
  it('shows the last progress while RUNNING and clears it at the end', async () => {
    const release = gate();
    const called = gate();
    const w = defineWorker('w', async ({ setProgress }) => {
      await setProgress({ percent: 10 });
      void setProgress({ percent: 20 });
      void setProgress({ percent: 42 });
      called.open();
      await release.promise;
      return success({ done: true });
    });
    const { manager, driver } = await createTestWorkManager({ workers: [w] });
    const req = oneTimeWork('w');
    const seen: WorkInfo[] = [];
    manager.observe({ ids: [req.id] }, ([info]) => info && seen.push(info));
    await manager.enqueue(req);
    await called.promise;
    expect((await manager.getWorkInfoById(req.id))?.progress).toEqual({ percent: 10 });
    // Throttled: the later values wait for the interval on the injected clock.
    driver.clock.advance(100);
    await waitFor(manager, { ids: [req.id] }, ([i]) => i?.progress.percent === 42);
    release.open();
    await driver.runUntilIdle();
    const end = (await manager.getWorkInfoById(req.id))!;
    expect(end.state).toBe('SUCCEEDED');
    expect(end.progress).toEqual({});
    const percents = seen.filter((i) => i.state === 'RUNNING').map((i) => i.progress.percent);
    expect(percents).toEqual([undefined, 10, 42]);
  });

  it('writes the last progress before the result even inside the throttle interval', async () => {
    const w = defineWorker('w', async ({ setProgress }) => {
      await setProgress({ percent: 1 });
      void setProgress({ percent: 99 });
      return success();
    });
    const { manager, driver } = await createTestWorkManager({ workers: [w] });
    const req = oneTimeWork('w');
    const seen: string[] = [];
    manager.observe(
      { ids: [req.id] },
      ([i]) => i && seen.push(`${i.state}:${String(i.progress.percent)}`),
    );
    await manager.enqueue(req);
    await driver.runUntilIdle();
    await waitForState(manager, req.id, 'SUCCEEDED');
    expect(seen).toEqual([
      'ENQUEUED:undefined',
      'RUNNING:undefined',
      'RUNNING:1',
      'RUNNING:99',
      'SUCCEEDED:undefined',
    ]);
  });
});
