import { describe, expect, it } from 'vitest';
import { waitForState } from './helpers';
import {
  defineWorker,
  oneTimeWork,
  startExecutor,
  success,
  WorkManager,
} from '../../../src/work/index';
import { browserLocks, MemoryLocks } from '../../../src/work/locks';
import { MemoryConstraints } from '../../../src/work/constraints';

// The real BroadcastChannel (Node has one too) and, in Chromium, the real Web Locks.
const locks = browserLocks() ?? new MemoryLocks();

describe('across contexts', () => {
  it('an executor on its own connection runs what a page enqueues, told by broadcast', async () => {
    const name = `ctx-${crypto.randomUUID()}`;
    const page = await WorkManager.open({ name });
    const started: number[] = [];
    const executor = await startExecutor({
      name,
      locks,
      constraints: new MemoryConstraints(),
      // No re-scan for a minute: only the broadcast can wake the executor this fast.
      rescanMs: 60_000,
      workers: [defineWorker('ok', () => (started.push(performance.now()), success({ ok: true })))],
    });
    await executor.leading;
    const req = oneTimeWork('ok');
    const t0 = performance.now();
    await page.enqueue(req);
    const info = await waitForState(page, req.id, 'SUCCEEDED');
    expect(info.outputData).toEqual({ ok: true });
    expect(started[0] - t0).toBeLessThan(1000);
    await executor.stop();
    page.close();
  });

  it('a second executor waits for the scheduler lock, then takes over', async () => {
    const name = `lead-${crypto.randomUUID()}`;
    const page = await WorkManager.open({ name });
    const ran: string[] = [];
    const make = (who: string) =>
      startExecutor({
        name,
        locks,
        constraints: new MemoryConstraints(),
        workers: [defineWorker('ok', () => (ran.push(who), success()))],
      });
    const first = await make('first');
    await first.leading;
    const second = await make('second');
    let secondLeads = false;
    void second.leading.then(() => (secondLeads = true));
    const a = oneTimeWork('ok');
    await page.enqueue(a);
    await waitForState(page, a.id, 'SUCCEEDED');
    expect(secondLeads).toBe(false);
    await first.stop();
    await second.leading;
    const b = oneTimeWork('ok');
    await page.enqueue(b);
    await waitForState(page, b.id, 'SUCCEEDED');
    expect(ran).toEqual(['first', 'second']);
    await second.stop();
    page.close();
  });
});
