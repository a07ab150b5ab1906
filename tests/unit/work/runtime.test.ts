import { afterEach, describe, expect, it, vi } from 'vitest';
import { gate, waitForState } from './helpers';
import {
  BrowserConstraints,
  defineWorker,
  MemoryConstraints,
  oneTimeWork,
  startExecutor,
  success,
  WorkManager,
} from '../../../src/work/index';
import { createScheduler } from '../../../src/work/startExecutor';
import { browserLocks, MemoryLocks, type LockManagerLike } from '../../../src/work/locks';
import { workLockName, ownerLockName, schedulerLockName } from '../../../src/work/Scheduler';
import { BATTERY_READING_TTL_MS } from '../../../src/work/batteryReading';
import type { WorkStore } from '../../../src/work/store';
import { ManualClock } from '../../../src/work/clock';

const locks = browserLocks() ?? new MemoryLocks();

/** Whether a lock of that name is held, in this realm's view. */
async function isHeld(name: string): Promise<boolean> {
  if (locks instanceof MemoryLocks) return locks.isHeld(name);
  const { held = [] } = await navigator.locks.query();
  return held.some((l) => l.name === name);
}

describe('leadership hand-off', () => {
  it('a paused executor lets go at once; the next one leads; resume queues again', async () => {
    const name = `pause-${crypto.randomUUID()}`;
    const page = await WorkManager.open({ name });
    const ran: string[] = [];
    const make = (who: string) =>
      startExecutor({
        name,
        locks,
        constraints: new MemoryConstraints(),
        workers: [defineWorker('ok', () => (ran.push(who), success()))],
      });
    const a = await make('a');
    await a.leading;
    const b = await make('b');
    await a.pause();
    await b.leading;
    const first = oneTimeWork('ok');
    await page.enqueue(first);
    await waitForState(page, first.id, 'SUCCEEDED');
    a.resume();
    await b.stop();
    const second = oneTimeWork('ok');
    await page.enqueue(second);
    await waitForState(page, second.id, 'SUCCEEDED');
    expect(ran).toEqual(['b', 'a']);
    await a.stop();
    page.close();
  });

  it("a run in flight keeps its scheduler's lease while paused: the next leader leaves it alone", async () => {
    const name = `inflight-${crypto.randomUUID()}`;
    const page = await WorkManager.open({ name });
    const release = gate();
    const runs: string[] = [];
    const make = (who: string) =>
      startExecutor({
        name,
        locks,
        constraints: new MemoryConstraints(),
        rescanMs: 50,
        workers: [
          defineWorker('slow', async () => {
            runs.push(who);
            await release.promise;
            return success({ who });
          }),
        ],
      });
    const a = await make('a');
    await a.leading;
    const work = oneTimeWork('slow');
    await page.enqueue(work);
    await waitForState(page, work.id, 'RUNNING');
    const b = await make('b');
    await a.pause();
    await b.leading;
    await new Promise((r) => setTimeout(r, 200)); // several re-scans and recoveries by b
    release.open();
    const info = await waitForState(page, work.id, 'SUCCEEDED');
    expect(runs).toEqual(['a']);
    expect(info.outputData).toEqual({ who: 'a' });
    expect(info.runAttemptCount).toBe(1);
    await b.stop();
    await a.stop();
    page.close();
  });

  /** A dead owner's work: RUNNING under an executor killed after `hold` took a lock. */
  async function deadOwnersWork(name: string, hold: (owner: string, id: string) => Promise<void>) {
    const page = await WorkManager.open({ name });
    const dead = await startExecutor({
      name,
      locks,
      constraints: new MemoryConstraints(),
      workers: [defineWorker('w', () => new Promise(() => undefined))],
    });
    await dead.leading;
    const work = oneTimeWork('w');
    await page.enqueue(work);
    await waitForState(page, work.id, 'RUNNING');
    await hold(dead.scheduler.owner, work.id);
    dead.scheduler.kill();
    await dead.pause(); // its scheduler lock goes too
    const next = await startExecutor({
      name,
      locks,
      constraints: new MemoryConstraints(),
      rescanMs: 60_000, // no re-scan: only the queued recovery can bring it back this fast
      workers: [defineWorker('w', (ctx) => success({ attempt: ctx.runAttemptCount }))],
    });
    await next.leading;
    await new Promise((r) => setTimeout(r, 50));
    return { page, next, work };
  }

  // In Chromium the launch that the recovery's broadcast prompts must not wait for a re-scan.
  it("work whose dead owner's lease lingers is recovered the moment the lease is let go", async () => {
    const name = `dying-${crypto.randomUUID()}`;
    const lingering = gate();
    let held: Promise<unknown> = Promise.resolve();
    const { page, next, work } = await deadOwnersWork(name, async (owner) => {
      // Queued behind the owner: granted when it dies, let go a moment later (a closed tab's
      // worker lets go of its locks one by one).
      held = locks.request(ownerLockName(name, owner), {}, () => lingering.promise);
      await new Promise((r) => setTimeout(r, 10));
    });
    expect((await page.getWorkInfoById(work.id))?.state).toBe('RUNNING'); // never before
    lingering.open();
    await held;
    const info = await waitForState(page, work.id, 'SUCCEEDED');
    expect(info.runAttemptCount).toBe(2);
    expect(info.stopReason).toBe('unknown');
    await next.stop();
    page.close();
  });

  it('work an older version may still be running (its per-work lock held) waits for that lock', async () => {
    const name = `legacy-${crypto.randomUUID()}`;
    const lingering = gate();
    let held: Promise<unknown> = Promise.resolve();
    const { page, next, work } = await deadOwnersWork(name, async (_owner, id) => {
      let granted = () => undefined as void;
      const taken = new Promise<void>((resolve) => (granted = resolve));
      held = locks.request(workLockName(name, id), {}, () => {
        granted();
        return lingering.promise;
      });
      await taken;
    });
    expect((await page.getWorkInfoById(work.id))?.state).toBe('RUNNING');
    lingering.open();
    await held;
    const info = await waitForState(page, work.id, 'SUCCEEDED');
    expect(info.runAttemptCount).toBe(2);
    await next.stop();
    page.close();
  });

  it('a stopped run whose worker has not returned keeps every context from running it again', async () => {
    const name = `lingering-${crypto.randomUUID()}`;
    const clock = new ManualClock();
    const page = await WorkManager.open({ name, clock });
    const returns = gate();
    const runs: string[] = [];
    const network = new MemoryConstraints();
    const a = await startExecutor({
      name,
      locks,
      clock,
      constraints: network,
      workers: [
        defineWorker('w', async () => {
          runs.push('a');
          await returns.promise; // deaf to its signal
          return success();
        }),
      ],
    });
    await a.leading;
    const work = oneTimeWork('w', { constraints: { network: 'connected' } });
    await page.enqueue(work);
    await waitForState(page, work.id, 'RUNNING');
    const b = await startExecutor({
      name,
      locks,
      clock,
      constraints: new MemoryConstraints(),
      workers: [defineWorker('w', () => (runs.push('b'), success()))],
    });
    network.set({ network: 'offline' }); // a stops the run: ENQUEUED again, its worker runs on
    await expect.poll(async () => (await page.getWorkInfoById(work.id))?.state).toBe('ENQUEUED');
    await a.pause();
    await b.leading;
    for (let i = 0; i < 5; i++) {
      clock.advance(60 * 60_000); // past the backoff, and b's retries
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(runs).toEqual(['a']);
    expect((await page.getWorkInfoById(work.id))?.state).toBe('ENQUEUED');
    returns.open();
    await expect
      .poll(async () => {
        clock.advance(100);
        return (await page.getWorkInfoById(work.id))?.state;
      })
      .toBe('SUCCEEDED');
    expect(runs).toEqual(['a', 'b']);
    expect((await page.getWorkInfoById(work.id))?.runAttemptCount).toBe(2);
    await b.stop();
    await a.stop();
    page.close();
  });

  it('lets go of its lease once stopped with nothing of its own running, and takes it again', async () => {
    const name = `lease-back-${crypto.randomUUID()}`;
    const page = await WorkManager.open({ name });
    const release = gate();
    const executor = await startExecutor({
      name,
      locks,
      constraints: new MemoryConstraints(),
      workers: [defineWorker('slow', async () => (await release.promise, success()))],
    });
    await executor.leading;
    const lease = ownerLockName(name, executor.scheduler.owner);
    expect(await isHeld(lease)).toBe(true);
    const first = oneTimeWork('slow');
    await page.enqueue(first);
    await waitForState(page, first.id, 'RUNNING');
    await executor.pause();
    await new Promise((r) => setTimeout(r, 50));
    expect(await isHeld(lease)).toBe(true); // its run is still in flight
    release.open();
    await waitForState(page, first.id, 'SUCCEEDED');
    await expect.poll(() => isHeld(lease)).toBe(false);
    executor.resume();
    await expect.poll(() => isHeld(lease)).toBe(true);
    const second = oneTimeWork('slow');
    await page.enqueue(second);
    expect((await waitForState(page, second.id, 'SUCCEEDED')).runAttemptCount).toBe(1);
    await executor.stop();
    await expect.poll(() => isHeld(lease)).toBe(false);
    page.close();
  });

  it('takes one lease per executor, not a lock per work', async () => {
    const name = `lease-${crypto.randomUUID()}`;
    const requested: string[] = [];
    const counting: LockManagerLike = {
      request: (lockName, options, callback) => {
        requested.push(lockName);
        return locks.request(lockName, options, callback);
      },
    };
    const page = await WorkManager.open({ name });
    const executor = await startExecutor({
      name,
      locks: counting,
      constraints: new MemoryConstraints(),
      workers: [defineWorker('ok', () => success())],
    });
    await executor.leading;
    const works = Array.from({ length: 20 }, () => oneTimeWork('ok'));
    for (const w of works) await page.enqueue(w);
    for (const w of works) await waitForState(page, w.id, 'SUCCEEDED');
    expect(requested.sort()).toEqual(
      [schedulerLockName(name), ownerLockName(name, executor.scheduler.owner)].sort(),
    );
    await executor.stop();
    page.close();
  });

  it("re-enqueues its own RUNNING work that no run holds (a result's commit failed); once it stops, the next leader does", async () => {
    const name = `orphan-${crypto.randomUUID()}`;
    const page = await WorkManager.open({ name });
    const make = () =>
      startExecutor({
        name,
        locks,
        constraints: new MemoryConstraints(),
        rescanMs: 50,
        workers: [defineWorker('ok', () => success())],
      });
    const a = await make();
    await a.leading;
    // As a run of `a` whose result never committed: RUNNING under its owner, no run holding it.
    const orphan = async () => {
      const work = oneTimeWork('ok', { initialDelayMs: 3_600_000 }); // not run before the change
      await page.enqueue(work);
      const store = (a.scheduler as unknown as { o: { store: WorkStore } }).o.store;
      await store.mutate(true, async (w) => {
        const r = (await w.get(work.id))!;
        Object.assign(r, { state: 'RUNNING', owner: a.scheduler.owner, runAttemptCount: 1 });
        w.put(r);
      });
      return work.id;
    };
    // Recovered (ENQUEUED at once, stop reason unknown), then run again: attempt 2.
    const recovered = async (id: string) => {
      const info = await waitForState(page, id, 'SUCCEEDED');
      expect([info.runAttemptCount, info.stopReason]).toEqual([2, 'unknown']);
    };
    await recovered(await orphan()); // by `a` itself, at its next re-scan
    const left = await orphan();
    await a.pause(); // nothing of its own runs: its lease goes at once
    const b = await make();
    await b.leading;
    await recovered(left);
    await b.stop();
    await a.stop();
    page.close();
  });

  // A write begun outside the scheduler's own bookkeeping (here: the recovery of work whose
  // owner let go of its lock while this scheduler was stopping) ends without waking stop(). In
  // the service worker that left stop() waiting for ever, holding the scheduler lock, and the
  // reloaded page's executor could never lead.
  it('stop() ends once a store write in flight ends, whoever began it', async () => {
    const name = `stopping-${crypto.randomUUID()}`;
    const scheduler = await createScheduler({
      name,
      locks,
      constraints: new MemoryConstraints(),
      workers: [],
    });
    await scheduler.start();
    const store = (scheduler as unknown as { o: { store: { pending: number } } }).o.store;
    store.pending++; // as a write in flight when stop() is called
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false); // it does wait for the write
    store.pending--;
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 1000))]);
    expect(stopped).toBe(true);
    await scheduler.close();
  });

  it('the scheduler lock is named per database', () => {
    expect(schedulerLockName('x')).toBe('work:x:scheduler');
  });
});

describe('BrowserConstraints definitions', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('network: offline read afresh from navigator.onLine, metered on cellular or save-data', () => {
    const nav = { onLine: true, connection: Object.assign(new EventTarget(), { type: 'wifi' }) };
    vi.stubGlobal('navigator', nav);
    const c = new BrowserConstraints();
    expect(c.current().network).toBe('unmetered');
    nav.onLine = false; // no event: a worker may miss it
    expect(c.current().network).toBe('offline');
    nav.onLine = true;
    Object.assign(nav.connection, { type: 'cellular' });
    expect(c.current().network).toBe('metered');
    Object.assign(nav.connection, { type: 'wifi', saveData: true });
    expect(c.current().network).toBe('metered');
  });

  it('network with a probe: offline until the probe answers, whatever navigator.onLine says', async () => {
    vi.stubGlobal('navigator', { onLine: true });
    if (!('addEventListener' in globalThis)) {
      // Node's global scope is no EventTarget: lend it one, as windows and workers have.
      const events = new EventTarget();
      vi.stubGlobal('addEventListener', events.addEventListener.bind(events));
      vi.stubGlobal('dispatchEvent', events.dispatchEvent.bind(events));
    }
    let reachable = false;
    const c = new BrowserConstraints({ probe: () => Promise.resolve(reachable) });
    expect(c.current().network).toBe('offline');
    c.subscribe(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(c.current().network).toBe('offline');
    reachable = true;
    dispatchGlobal('online');
    await new Promise((r) => setTimeout(r, 10));
    expect(c.current().network).toBe('unmetered');
  });

  it('battery: a shared reading counts for 15 minutes, then the constraint counts as met', async () => {
    vi.stubGlobal('navigator', { onLine: true });
    let reading: unknown = { level: 0.1, charging: false, at: Date.now() };
    const c = new BrowserConstraints({ sharedBattery: () => Promise.resolve(reading) });
    const changed = new Promise<void>((resolve) => c.subscribe(resolve));
    await changed;
    expect(c.current()).toMatchObject({ batteryLow: true, charging: false });
    reading = { level: 0.1, charging: false, at: Date.now() - BATTERY_READING_TTL_MS - 1 };
    const c2 = new BrowserConstraints({ sharedBattery: () => Promise.resolve(reading) });
    c2.subscribe(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(c2.current()).toMatchObject({ batteryLow: false, charging: true });
  });

  it('storage: low when less than 10 % of the quota is free', async () => {
    const estimate = vi.fn(() => Promise.resolve({ usage: 95, quota: 100 }));
    vi.stubGlobal('navigator', { onLine: true, storage: { estimate } });
    const c = new BrowserConstraints();
    const changed = new Promise<void>((resolve) => c.subscribe(resolve));
    await changed;
    expect(c.current().storageLow).toBe(true);
    expect(estimate).toHaveBeenCalled();
  });
});

/** `online` as the browser fires it, on the global scope the constraints listen to. */
function dispatchGlobal(type: string): void {
  (globalThis as unknown as EventTarget).dispatchEvent(new Event(type));
}
