import { describe, expect, it } from 'vitest';
import { waitForState } from './helpers';
import {
  defineWorker,
  oneTimeWork,
  success,
  WorkManager,
  type WorkInfo,
} from '../../../src/work/index';
import { MemoryBroadcast } from '../../../src/work/broadcast';
import { createTestWorkManager } from '../../../src/work/testing';

const ok = defineWorker('ok', () => success({ v: 1 }));

describe('observe', () => {
  it('reports the stored state first, then each change once, in order', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const a = oneTimeWork('ok', { tags: ['t'] });
    const b = oneTimeWork('ok', { tags: ['t'] });
    const seen: string[][] = [];
    const revs: number[] = [];
    manager.observe({ tags: ['t'] }, (infos) => {
      seen.push(infos.map((i) => i.state));
      revs.push(Math.max(0, ...infos.map((i) => i.rev)));
    });
    await driver.runUntilIdle();
    await manager.beginWith(a).then(b).enqueue();
    await driver.runUntilIdle();
    await waitForState(manager, b.id, 'SUCCEEDED');
    expect(seen).toEqual([
      [],
      ['ENQUEUED', 'BLOCKED'],
      ['RUNNING', 'BLOCKED'],
      ['SUCCEEDED', 'ENQUEUED'],
      ['SUCCEEDED', 'RUNNING'],
      ['SUCCEEDED', 'SUCCEEDED'],
    ]);
    expect([...revs].sort((x, y) => x - y)).toEqual(revs);
    expect(new Set(revs).size).toBe(revs.length);
  });

  it('does not report changes to other work', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const mine = oneTimeWork('ok', { initialDelayMs: 60_000 });
    await manager.enqueue(mine);
    let calls = 0;
    manager.observe({ ids: [mine.id] }, () => calls++);
    await manager.enqueue(oneTimeWork('ok'));
    await driver.runUntilIdle();
    expect(calls).toBe(1);
  });

  it('observes an unknown id as an empty list, and matches AND across fields, OR within', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [ok] });
    const first: WorkInfo[][] = [];
    manager.observe({ ids: ['nope'] }, (infos) => first.push(infos));
    const x = oneTimeWork('ok', { tags: ['x'] });
    const y = oneTimeWork('ok', { tags: ['y'], initialDelayMs: 1000 });
    const z = oneTimeWork('ok', { tags: ['x', 'y'], initialDelayMs: 1000 });
    await manager.enqueue([x, y, z]);
    await driver.runUntilIdle();
    expect(first).toEqual([[]]);
    const ids = async (q: Parameters<WorkManager['getWorkInfos']>[0]) =>
      (await manager.getWorkInfos(q)).map((i) => i.id);
    expect(await ids({ tags: ['x', 'y'] })).toEqual([x.id, y.id, z.id]);
    expect(await ids({ tags: ['y'], states: ['ENQUEUED'] })).toEqual([y.id, z.id]);
    expect(await ids({ tags: ['x'], states: ['SUCCEEDED', 'RUNNING'] })).toEqual([x.id]);
    expect(await ids({ ids: [x.id, y.id], tags: ['y'] })).toEqual([y.id]);
    expect(await ids({ uniqueWorkNames: ['none'] })).toEqual([]);
    expect(await manager.getWorkInfoById('nope')).toBeNull();
  });

  it('closes a gap in revs by re-reading the database', async () => {
    const bus = new MemoryBroadcast();
    const name = `gap-${crypto.randomUUID()}`;
    const writer = await WorkManager.open({ name, broadcast: bus.factory });
    // This manager hears nothing: it will see rev N+2 from its own write after missing N+1.
    const reader = await WorkManager.open({ name, broadcast: null });
    const a = oneTimeWork('ok', { tags: ['g'] });
    const b = oneTimeWork('ok', { tags: ['g'] });
    const seen: string[][] = [];
    reader.observe({ tags: ['g'] }, (infos) => seen.push(infos.map((i) => i.id)));
    await new Promise((r) => setTimeout(r, 10));
    await writer.enqueue(a);
    await reader.enqueue(b);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([[], [a.id, b.id]]);
    writer.close();
    reader.close();
  });
});
