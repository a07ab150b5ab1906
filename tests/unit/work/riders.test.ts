import { describe, expect, it } from 'vitest';
import './helpers';
import { defineWorker, oneTimeWork, success, WorkManager } from '../../../src/work/index';
import { WorkHub } from '../../../src/work/broadcast';
import { MemoryConstraints } from '../../../src/work/constraints';
import { openWorkDb } from '../../../src/work/db';
import { MemoryLocks } from '../../../src/work/locks';
import { startExecutor } from '../../../src/work/startExecutor';
import { type Rider, type RiderQueue, WorkStore, type Writer } from '../../../src/work/store';
import { enqueuePlan } from '../../../src/work/transitions';

async function openStore(name: string): Promise<WorkStore> {
  return new WorkStore(await openWorkDb(name), new WorkHub(name, undefined), () => 1000);
}

const enqueueIn = (w: Writer, request = oneTimeWork('noop')) =>
  enqueuePlan(w, { nodes: [{ request, parents: [] }] });

/** A queue of ops, as a scheduler offers them; records what happens to each. */
function queueOf(ops: { strict: boolean; op: (w: Writer) => Promise<unknown> }[]) {
  const settled = new Map<number, { value?: unknown; error?: unknown }>();
  let queued: Rider[] = ops.map((o, i) => ({
    ...o,
    resolve: (value: unknown) => settled.set(i, { value }),
    reject: (error: unknown) => settled.set(i, { error }),
  }));
  const givenBack: Rider[] = [];
  const queue: RiderQueue = {
    take: (strict) => {
      const taken = queued.filter((r) => strict || !r.strict);
      queued = queued.filter((r) => !taken.includes(r));
      return taken;
    },
    giveBack: (riders) => givenBack.push(...riders),
  };
  return { queue, settled, givenBack, left: () => queued.length };
}

describe('riders: ops carried by another transaction of the realm', () => {
  it("commit with the carrier's body, at its rev, and resolve with their own results", async () => {
    const name = `riders-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const carried = oneTimeWork('noop');
    const rider = queueOf([{ strict: true, op: (w) => enqueueIn(w, carried).then(() => 'mine') }]);
    const withdraw = store.offerRiders(rider.queue);
    const own = oneTimeWork('noop');
    await store.mutate(true, (w) => enqueueIn(w, own));
    withdraw();
    expect(rider.settled.get(0)).toEqual({ value: 'mine' });
    const [a, b] = [await store.get(own.id), await store.get(carried.id)];
    expect(a?.rev).toBeGreaterThan(0);
    expect(b?.rev).toBe(a?.rev);
    store.close();
  });

  it('are given back, not failed, when the carrier fails; and a failing rider does not fail the carrier', async () => {
    const name = `riders-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const first = queueOf([{ strict: false, op: () => Promise.resolve('claim') }]);
    const withdrawFirst = store.offerRiders(first.queue);
    const failing = store.mutate(true, () => Promise.reject(new Error('body failed')));
    await expect(failing).rejects.toThrow('body failed');
    withdrawFirst();
    // The body failed before any rider was taken: nothing taken, nothing settled.
    expect(first.left()).toBe(1);
    expect(first.settled.size).toBe(0);

    const bad = queueOf([
      { strict: true, op: () => Promise.reject(new Error('rider failed')) },
      { strict: true, op: () => Promise.resolve('fine') },
    ]);
    const withdrawBad = store.offerRiders(bad.queue);
    const request = oneTimeWork('noop');
    await store.mutate(true, (w) => enqueueIn(w, request));
    withdrawBad();
    expect((await store.get(request.id))?.state).toBe('ENQUEUED');
    expect(bad.settled.size).toBe(0);
    expect(bad.givenBack).toHaveLength(2);
    store.close();
  });

  it('are given back when the carrier fails after taking them', async () => {
    const name = `riders-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const request = oneTimeWork('noop');
    await store.mutate(true, (w) => enqueueIn(w, request));
    const rider = queueOf([{ strict: true, op: () => Promise.resolve('result') }]);
    const withdraw = store.offerRiders(rider.queue);
    // The same id again: the carrier's add fails the transaction at commit.
    await expect(store.mutate(true, (w) => enqueueIn(w, request))).rejects.toMatchObject({
      code: 'invalid-request',
    });
    withdraw();
    expect(rider.settled.size).toBe(0);
    expect(rider.givenBack).toHaveLength(1);
    store.close();
  });

  it('ride only in a transaction at least as durable as they need', async () => {
    const name = `riders-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const rider = queueOf([
      { strict: true, op: () => Promise.resolve('result') },
      { strict: false, op: () => Promise.resolve('claim') },
    ]);
    const withdraw = store.offerRiders(rider.queue);
    await store.mutate(false, (w) => enqueueIn(w));
    expect([...rider.settled.keys()]).toEqual([1]);
    expect(rider.left()).toBe(1);
    await store.mutate(true, (w) => enqueueIn(w));
    expect([...rider.settled.keys()].sort()).toEqual([0, 1]);
    withdraw();
    store.close();
  });

  it("carry a realm's executor's claims and results in its manager's enqueues", async () => {
    const name = `riders-${crypto.randomUUID()}`;
    const locks = new MemoryLocks();
    const manager = await WorkManager.open({ name });
    const noop = defineWorker('noop', () => success());
    const executor = await startExecutor({
      name,
      workers: [noop],
      locks,
      maxConcurrency: 2,
      constraints: new MemoryConstraints(),
    });
    await executor.leading;
    const transactions = countReadwriteTransactions();
    const ids: string[] = [];
    try {
      // As a page enqueues one work after another: each awaited, the next at once.
      for (let i = 0; i < 20; i++) {
        const request = oneTimeWork('noop');
        ids.push(request.id);
        await manager.enqueue(request);
      }
      for (;;) {
        const infos = await manager.getWorkInfos({ ids });
        if (infos.every((i) => i.state === 'SUCCEEDED')) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      transactions.restore();
    }
    // 20 enqueues, 20 claims and 20 results: alone, the executor's claims and results took 11
    // more transactions here (31 in all, two works' at a time); carried, 2 (the last works').
    expect(transactions.count()).toBeLessThanOrEqual(20 + 5);
    await executor.stop();
    manager.close();
  });
});

/** Counts readwrite transactions on work databases. */
function countReadwriteTransactions(): { count: () => number; restore: () => void } {
  const original = Reflect.get<IDBDatabase, 'transaction'>(IDBDatabase.prototype, 'transaction');
  let count = 0;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    if (args[1] === 'readwrite' && this.name.startsWith('work:')) count++;
    return Reflect.apply(original, this, args);
  };
  return {
    count: () => count,
    restore: () => {
      IDBDatabase.prototype.transaction = original;
    },
  };
}
