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
import { browserLocks, MemoryLocks } from '../../../src/work/locks';
import { schedulerLockName, workLockName } from '../../../src/work/Scheduler';
import { BATTERY_READING_TTL_MS } from '../../../src/work/batteryReading';

const locks = browserLocks() ?? new MemoryLocks();

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

  it('a run in flight keeps its work lock while paused: the next leader leaves it alone', async () => {
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

  // In Chromium the launch that the recovery's broadcast prompts finds the lock still held for a
  // moment, and its retry must survive the pump that follows (it was cleared: a 30 s stall).
  it('work whose dead owner still holds its lock is recovered the moment the lock is let go', async () => {
    const name = `dying-${crypto.randomUUID()}`;
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
    // The owner dies, but its work lock is let go a moment after its scheduler lock.
    const lingering = gate();
    const held = locks.request(workLockName(name, `${work.id}`), {}, () => lingering.promise);
    dead.scheduler.kill();
    await dead.pause(); // its scheduler lock goes first

    const next = await startExecutor({
      name,
      locks,
      constraints: new MemoryConstraints(),
      rescanMs: 60_000, // no re-scan: only the queued recovery can bring it back this fast
      workers: [defineWorker('w', (ctx) => success({ attempt: ctx.runAttemptCount }))],
    });
    await next.leading;
    await new Promise((r) => setTimeout(r, 50));
    expect((await page.getWorkInfoById(work.id))?.state).toBe('RUNNING'); // never before
    lingering.open();
    await held;
    const info = await waitForState(page, work.id, 'SUCCEEDED');
    expect(info.runAttemptCount).toBe(2);
    expect(info.stopReason).toBe('unknown');
    await next.stop();
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
