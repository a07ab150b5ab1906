import { describe, expect, it, vi } from 'vitest';
import './helpers';
import { oneTimeWork } from '../../../src/work/index';
import { WorkHub } from '../../../src/work/broadcast';
import { HEAD, openWorkDb } from '../../../src/work/db';
import { WorkStore } from '../../../src/work/store';
import { claim, enqueuePlan } from '../../../src/work/transitions';

/** A store on its own connection and a hub that hears nothing from other contexts. */
async function openStore(name: string): Promise<WorkStore> {
  return new WorkStore(await openWorkDb(name), new WorkHub(name, undefined), () => 1000);
}

/** Counts reads of `id` from the work table (the checks of known records among them). */
function countReads(id: string): { count: () => number; restore: () => void } {
  const original = Reflect.get<IDBObjectStore, 'get'>(IDBObjectStore.prototype, 'get');
  let reads = 0;
  const spy = vi.spyOn(IDBObjectStore.prototype, 'get').mockImplementation(function (
    this: IDBObjectStore,
    key: IDBValidKey | IDBKeyRange,
  ) {
    if (this.name === 'work' && key === id) reads++;
    return Reflect.apply<IDBObjectStore, [typeof key], IDBRequest>(original, this, [key]);
  });
  return { count: () => reads, restore: () => spy.mockRestore() };
}

const enqueue = (store: WorkStore, request = oneTimeWork('noop')) =>
  store.mutate(true, (w) => enqueuePlan(w, { nodes: [{ request, parents: [] }] }));

describe('optimistic transactions', () => {
  it('runs again on the stored rev when another context committed a rev it had not heard of', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    await enqueue(store);
    expect((await store.read({})).rev).toBe(1);
    // Another context (unheard: no broadcast) commits revs 2 to 5.
    const other = await openWorkDb(name);
    const swap = other.transaction('revs', 'readwrite');
    void swap.store.delete(1);
    void swap.store.add(HEAD, 5);
    await swap.done;
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    const record = await store.get(request.id);
    expect(record?.rev).toBe(6);
    expect(record?.order).toBe(60_000);
    expect((await store.read({})).rev).toBe(6);
    other.close();
    store.close();
  });

  it('runs the body again on a plain writer when a known record changed meanwhile', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    const heard = (await store.get(request.id))!;
    // Claimed elsewhere (unheard): the record as heard is stale.
    await store.mutate(false, async (w) => claim(w, await w.get(request.id), 'elsewhere'));
    const result = await store.mutate(false, async (w) => {
      w.know(heard);
      return claim(w, await w.get(request.id), 'here');
    });
    expect(result).toBeNull();
    const stored = await store.get(request.id);
    expect(stored?.owner).toBe('elsewhere');
    expect(stored?.runAttemptCount).toBe(1);
    store.close();
  });

  it('refuses an id already stored, committing nothing', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    const before = await store.read({});
    const again = store.mutate(true, (w) =>
      enqueuePlan(w, {
        nodes: [
          { request: oneTimeWork('noop'), parents: [] },
          { request, parents: [] },
        ],
      }),
    );
    await expect(again).rejects.toMatchObject({ code: 'invalid-request' });
    const after = await store.read({});
    expect(after.rev).toBe(before.rev);
    expect(after.records.map((r) => r.id)).toEqual([request.id]);
    store.close();
  });

  it('commits nothing of a transaction whose guessed rev was taken meanwhile', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    await enqueue(store);
    const other = await openWorkDb(name);
    const swap = other.transaction('revs', 'readwrite');
    void swap.store.delete(1);
    void swap.store.add(HEAD, 2);
    await swap.done;
    // This store guesses rev 2: its swap fails, the whole transaction with it; then rev 3.
    const seen: number[] = [];
    store.hub.subscribe((change) => seen.push(change.rev));
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    expect(seen).toEqual([3]);
    expect((await store.get(request.id))?.rev).toBe(3);
    expect((await store.read({})).records).toHaveLength(2);
    expect(await other.getAllKeys('revs')).toEqual([3]);
    other.close();
    store.close();
  });

  it('takes a known record on trust when this realm has seen every change and has nothing in flight', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    await enqueue(store); // the first writer reads the head; from then on this realm guesses
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    const heard = (await store.get(request.id))!;
    const reads = countReads(request.id);
    try {
      const claimed = await store.mutate(false, async (w) => {
        w.know(heard);
        return claim(w, await w.get(request.id), 'here');
      });
      expect(claimed?.owner).toBe('here');
      expect(reads.count()).toBe(0);
      // The claim's own change is known too: its result may trust it in turn.
      const finished = await store.mutate(true, async (w) => {
        w.know(claimed!);
        const r = (await w.get(request.id))!;
        r.state = 'SUCCEEDED';
        w.put(r);
        return r;
      });
      expect(finished.rev).toBe(claimed!.rev + 1);
      expect(reads.count()).toBe(0);
    } finally {
      reads.restore();
    }
    expect((await store.get(request.id))?.state).toBe('SUCCEEDED');
    store.close();
  });

  it('checks a known record when an earlier transaction of this realm was in flight as it guessed', async () => {
    // The hole this closes: this realm's transaction A guesses rev 3 and B rev 4 behind it;
    // another context commits rev 3 first (unheard), changing the record B knows. A fails its
    // swap; B's swap deletes the other context's head 3 and adds 4, so only B's check of the
    // record keeps it from committing on the stale copy.
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    await enqueue(store);
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    const heard = (await store.get(request.id))!;
    const other = await openWorkDb(name);
    const foreign = other.transaction(['work', 'revs'], 'readwrite');
    void foreign.objectStore('revs').delete(2);
    void foreign.objectStore('revs').add(HEAD, 3);
    void foreign
      .objectStore('work')
      .put({ ...heard, state: 'RUNNING', owner: 'elsewhere', runAttemptCount: 1, rev: 3 });
    const reads = countReads(request.id);
    const a = enqueue(store);
    const b = store.mutate(false, async (w) => {
      w.know(heard);
      return claim(w, await w.get(request.id), 'here');
    });
    try {
      await foreign.done;
      await a;
      expect(await b).toBeNull(); // run again on the stored record: RUNNING elsewhere
      expect(reads.count()).toBeGreaterThan(0);
    } finally {
      reads.restore();
    }
    const stored = await store.get(request.id);
    expect(stored?.owner).toBe('elsewhere');
    expect(stored?.runAttemptCount).toBe(1);
    const { rev } = await store.read({});
    expect(await other.getAllKeys('revs')).toEqual([rev]);
    other.close();
    store.close();
  });
});
