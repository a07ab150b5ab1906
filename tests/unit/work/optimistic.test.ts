import { describe, expect, it } from 'vitest';
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
});
