import { describe, expect, it, vi } from 'vitest';
import './helpers';
import { oneTimeWork } from '../../../src/work/index';
import { WorkHub } from '../../../src/work/broadcast';
import { openWorkDb, type WorkDb } from '../../../src/work/db';
import { GUESS_FRESH_MS, WorkStore } from '../../../src/work/store';
import { claim, enqueuePlan } from '../../../src/work/transitions';

/** A store on its own connection and a hub that hears nothing from other contexts. */
async function openStore(name: string, now = () => 1000): Promise<WorkStore> {
  return new WorkStore(await openWorkDb(name), new WorkHub(name, undefined), now);
}

/** Another context commits `revs` (unheard: no broadcast), as a v3 writer does: one add each. */
async function commitElsewhere(other: WorkDb, revs: number[]): Promise<void> {
  const tx = other.transaction('revs', 'readwrite');
  for (const rev of revs) void tx.store.add(1000, rev);
  await tx.done;
}

/** The log's keys: 1 to the head, with no gap. */
async function logKeys(other: WorkDb): Promise<number[]> {
  return other.getAllKeys('revs');
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

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
    await commitElsewhere(other, [2, 3, 4, 5]);
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
    await commitElsewhere(other, [2]);
    // This store guesses rev 2: its add fails, the whole transaction with it; then rev 3.
    const seen: number[] = [];
    store.hub.subscribe((change) => seen.push(change.rev));
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    expect(seen).toEqual([3]);
    expect((await store.get(request.id))?.rev).toBe(3);
    expect((await store.read({})).records).toHaveLength(2);
    expect(await logKeys(other)).toEqual([1, 2, 3]);
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

  it('reads a known record when an earlier transaction of this realm is in flight', async () => {
    // This realm's transaction A guesses rev 3; B, created behind it, must not guess 4: another
    // context commits rev 3 first (unheard), changing the record B knows, and A fails its add.
    // B reads the head and the record instead, and sees the record RUNNING elsewhere.
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    await enqueue(store);
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    const heard = (await store.get(request.id))!;
    const other = await openWorkDb(name);
    const foreign = other.transaction(['work', 'revs'], 'readwrite');
    void foreign.objectStore('revs').add(1000, 3);
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
    expect(await logKeys(other)).toEqual(upTo(rev));
    other.close();
    store.close();
  });

  it('never guesses behind its own transaction in flight, so one that fails leaves no gap', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const request = oneTimeWork('noop');
    await enqueue(store); // rev 1, read
    await enqueue(store, request); // rev 2, guessed
    // A guesses rev 3 and fails (its id is taken); B is created while A is in flight.
    const second = oneTimeWork('noop');
    const a = enqueue(store, request);
    const b = enqueue(store, second);
    await expect(a).rejects.toMatchObject({ code: 'invalid-request' });
    await b;
    expect((await store.get(second.id))?.rev).toBe(3);
    const other = await openWorkDb(name);
    expect(await logKeys(other)).toEqual([1, 2, 3]);
    other.close();
    store.close();
  });

  it('reads the head once what it knows of it is old: a compacted rev is never guessed', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    let now = 1000;
    const store = await openStore(name, () => now);
    await enqueue(store);
    await enqueue(store); // rev 2: this realm would guess 3 next
    // Elsewhere, unheard: revs 3 and 4, then 3 compacted away (as if an hour old).
    const other = await openWorkDb(name);
    await commitElsewhere(other, [3, 4]);
    await other.delete('revs', 3);
    now += GUESS_FRESH_MS + 1;
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    expect((await store.get(request.id))?.rev).toBe(5);
    other.close();
    store.close();
  });

  it('compacts the log: entries older than the age and further than `keep` below the head', async () => {
    const name = `optimistic-${crypto.randomUUID()}`;
    let now = 1000;
    const store = await openStore(name, () => now);
    for (let i = 0; i < 30; i++) await enqueue(store);
    now += 2 * 3_600_000;
    for (let i = 0; i < 5; i++) await enqueue(store);
    // Young entries stop it: nothing within an hour of `now`, even far below the head.
    expect(await store.compactRevs(10, 3 * 3_600_000)).toBe(0);
    expect(await store.compactRevs(10, 3_600_000)).toBe(24);
    const other = await openWorkDb(name);
    expect(await logKeys(other)).toEqual(upTo(35).slice(24));
    // The head is still the highest rev: the next writer goes on from it.
    const request = oneTimeWork('noop');
    await enqueue(store, request);
    expect((await store.get(request.id))?.rev).toBe(36);
    other.close();
    store.close();
  });
});
