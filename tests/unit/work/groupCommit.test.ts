import { describe, expect, it } from 'vitest';
import { gate, waitForState } from './helpers';
import {
  defineWorker,
  oneTimeWork,
  success,
  type WorkInfo,
  WorkManager,
} from '../../../src/work/index';
import { localFirst, MemoryBroadcast } from '../../../src/work/broadcast';
import { MemoryConstraints } from '../../../src/work/constraints';
import { MemoryLocks, type LockManagerLike } from '../../../src/work/locks';
import { startExecutor } from '../../../src/work/startExecutor';
import { createTestWorkManager } from '../../../src/work/testing';

/** The rev at which each observed work first reached `state`. */
function revsAt(manager: WorkManager, ids: string[], state: WorkInfo['state']) {
  const revs = new Map<string, number>();
  const stop = manager.observe({ ids }, (infos) => {
    for (const i of infos) if (i.state === state && !revs.has(i.id)) revs.set(i.id, i.rev);
  });
  return { revs, stop };
}

describe('group commit', () => {
  it('claims works launched together in one transaction', async () => {
    const noop = defineWorker('noop', () => success());
    const { manager, driver } = await createTestWorkManager({ workers: [noop], maxConcurrency: 2 });
    const [a, b] = [oneTimeWork('noop'), oneTimeWork('noop')];
    const running = revsAt(manager, [a.id, b.id], 'RUNNING');
    await manager.enqueue([a, b]);
    await driver.runUntilIdle();
    running.stop();
    expect(running.revs.size).toBe(2);
    expect(running.revs.get(a.id)).toBe(running.revs.get(b.id));
    await driver.close();
  });

  it("commits a work's result and the next work's claim in one transaction", async () => {
    const release = gate();
    const worker = defineWorker('w', async ({ input }) => {
      if (input.wait) await release.promise;
      return success();
    });
    const { manager, driver } = await createTestWorkManager({
      workers: [worker],
      maxConcurrency: 1,
    });
    const first = oneTimeWork('w', { input: { wait: true } });
    const second = oneTimeWork('w');
    const succeeded = revsAt(manager, [first.id], 'SUCCEEDED');
    const running = revsAt(manager, [second.id], 'RUNNING');
    await manager.enqueue(first);
    await driver.settle();
    await manager.enqueue(second); // waits: the only slot is taken
    await driver.settle();
    expect((await manager.getWorkInfoById(second.id))?.state).toBe('ENQUEUED');
    release.open();
    await driver.runUntilIdle();
    succeeded.stop();
    running.stop();
    expect(succeeded.revs.get(first.id)).toBeDefined();
    expect(running.revs.get(second.id)).toBe(succeeded.revs.get(first.id));
    expect((await manager.getWorkInfoById(second.id))?.state).toBe('SUCCEEDED');
    await driver.close();
  });

  it('never runs more workers at once than maxConcurrency while results commit', async () => {
    let now = 0;
    let most = 0;
    const worker = defineWorker('w', async () => {
      most = Math.max(most, ++now);
      await new Promise((resolve) => setTimeout(resolve, 1));
      now--;
      return success();
    });
    const { manager, driver } = await createTestWorkManager({
      workers: [worker],
      maxConcurrency: 2,
    });
    for (let i = 0; i < 8; i++) await manager.enqueue(oneTimeWork('w'));
    await driver.runUntilIdle();
    const infos = await manager.getWorkInfosByTag('w');
    expect(infos.map((i) => i.state)).toEqual(Array(8).fill('SUCCEEDED'));
    expect(most).toBeLessThanOrEqual(2);
    await driver.close();
  });
});

/** Web Locks granted a few ms later, as navigator.locks answers from another process. */
class SlowLocks implements LockManagerLike {
  private readonly inner = new MemoryLocks();
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: { name: string } | null) => Promise<T> | T,
  ): Promise<T> {
    return new Promise((resolve) => setTimeout(resolve, 3)).then(() =>
      this.inner.request(name, options, callback),
    );
  }
}

async function withSlowLocks(maxConcurrency: number) {
  const name = `slow-locks-${crypto.randomUUID()}`;
  const bus = new MemoryBroadcast();
  const manager = await WorkManager.open({ name, broadcast: bus.factory });
  const release = gate();
  const worker = defineWorker('w', async ({ input }) => {
    if (input.wait) await release.promise;
    return success();
  });
  const executor = await startExecutor({
    name,
    broadcast: bus.factory,
    locks: new SlowLocks(),
    constraints: new MemoryConstraints(),
    workers: [worker],
    maxConcurrency,
  });
  await executor.leading;
  const close = async () => {
    await executor.stop();
    manager.close();
  };
  return { manager, release, close };
}

describe('group commit with locks granted a task later', () => {
  it('claims works launched together in one transaction', async () => {
    const { manager, close } = await withSlowLocks(2);
    const [a, b] = [oneTimeWork('w'), oneTimeWork('w')];
    const running = revsAt(manager, [a.id, b.id], 'RUNNING');
    await manager.enqueue([a, b]);
    await waitForState(manager, a.id, 'SUCCEEDED');
    await waitForState(manager, b.id, 'SUCCEEDED');
    running.stop();
    expect(running.revs.get(a.id)).toBeDefined();
    expect(running.revs.get(a.id)).toBe(running.revs.get(b.id));
    await close();
  });

  it("holds a result back until the next work's lock is taken: its claim joins", async () => {
    const { manager, release, close } = await withSlowLocks(1);
    const first = oneTimeWork('w', { input: { wait: true } });
    const second = oneTimeWork('w');
    const succeeded = revsAt(manager, [first.id], 'SUCCEEDED');
    const running = revsAt(manager, [second.id], 'RUNNING');
    await manager.enqueue(first);
    await waitForState(manager, first.id, 'RUNNING');
    await manager.enqueue(second);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release.open();
    await waitForState(manager, second.id, 'SUCCEEDED');
    succeeded.stop();
    running.stop();
    expect(succeeded.revs.get(first.id)).toBeDefined();
    expect(running.revs.get(second.id)).toBe(succeeded.revs.get(first.id));
    await close();
  });
});

describe('localFirst channels', () => {
  it('reach the other channels of the realm directly and other realms once, never echoing', async () => {
    const bus = new MemoryBroadcast();
    const realm = localFirst(bus.factory);
    const otherRealm = localFirst(bus.factory);
    const heard: string[] = [];
    const open = (factory: typeof realm, who: string) => {
      const c = factory('work:x');
      c.onmessage = ({ data }) => heard.push(`${who}<${String((data as { m: string }).m)}`);
      return c;
    };
    const manager = open(realm, 'manager');
    const executor = open(realm, 'executor');
    const elsewhere = open(otherRealm, 'elsewhere');
    manager.postMessage({ m: 'enqueued' });
    elsewhere.postMessage({ m: 'cancelled' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard.sort()).toEqual([
      'elsewhere<enqueued',
      'executor<cancelled',
      'executor<enqueued',
      'manager<cancelled',
    ]);
    heard.length = 0;
    executor.close();
    elsewhere.postMessage({ m: 'again' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard).toEqual(['manager<again']);
    manager.close();
    elsewhere.close();
  });

  it('gives each channel its own copy', async () => {
    const realm = localFirst(new MemoryBroadcast().factory);
    const a = realm('n');
    const b = realm('n');
    const c = realm('n');
    const got: unknown[] = [];
    b.onmessage = c.onmessage = ({ data }) => got.push(data);
    const message = { records: [{ id: 'x' }] };
    a.postMessage(message);
    await Promise.resolve();
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual(message);
    expect(got[0]).not.toBe(message);
    expect(got[0]).not.toBe(got[1]);
    a.close();
    b.close();
    c.close();
  });
});
