import { describe, expect, it } from 'vitest';
import './helpers';
import {
  defineWorker,
  failure,
  oneTimeWork,
  success,
  WorkContinuation,
  WorkError,
  type Data,
} from '../../../src/work/index';
import { createTestWorkManager } from '../../../src/work/testing';

const add = defineWorker<{ n?: number; add?: number }, { n: number }>('add', ({ input }) =>
  success({ n: (input.n ?? 0) + (input.add ?? 1) }),
);
const fail = defineWorker('fail', () => failure({ why: 'no' }));
const echo = defineWorker('echo', ({ input }) => success(input));

describe('chains', () => {
  it('runs a three-step chain, each step getting its parent output', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [add] });
    const a = oneTimeWork('add', { input: { n: 1 } });
    const b = oneTimeWork('add', { input: { add: 10 } });
    const c = oneTimeWork('add', { input: { n: 1000, add: 100 } });
    await manager.beginWith(a).then(b).then(c).enqueue();
    expect((await manager.getWorkInfoById(b.id))?.state).toBe('BLOCKED');
    await driver.runUntilIdle();
    const [ia, ib, ic] = await manager.getWorkInfos({ ids: [a.id, b.id, c.id] });
    expect(ia.outputData).toEqual({ n: 2 });
    expect(ib.outputData).toEqual({ n: 12 });
    // The parent's output wins over the step's own input.
    expect(ic.outputData).toEqual({ n: 112 });
    expect([ia, ib, ic].map((i) => i.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(ib.prerequisites).toEqual([a.id]);
    expect(ia.dependents).toEqual([b.id]);
  });

  it('fails every transitive dependent when a middle step fails', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [add, fail] });
    const a = oneTimeWork('add');
    const b = oneTimeWork('fail');
    const c = oneTimeWork('add');
    const d = oneTimeWork('add');
    await manager.beginWith(a).then(b).then(c).then(d).enqueue();
    await driver.runUntilIdle();
    const infos = await manager.getWorkInfos({ ids: [a.id, b.id, c.id, d.id] });
    expect(infos.map((i) => i.state)).toEqual(['SUCCEEDED', 'FAILED', 'FAILED', 'FAILED']);
    expect(infos[1].outputData).toEqual({ why: 'no' });
    expect(infos[2].runAttemptCount).toBe(0);
  });

  it('cancels the rest of a chain cancelled in the middle, leaving finished work', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [add] });
    const a = oneTimeWork('add');
    const b = oneTimeWork('add', { initialDelayMs: 60_000 });
    const c = oneTimeWork('add');
    await manager.beginWith(a).then(b).then(c).enqueue();
    await driver.runUntilIdle();
    await manager.cancelWorkById(b.id);
    await driver.advanceTime(120_000);
    const infos = await manager.getWorkInfos({ ids: [a.id, b.id, c.id] });
    expect(infos.map((i) => i.state)).toEqual(['SUCCEEDED', 'CANCELLED', 'CANCELLED']);
  });

  it('runs branches sharing a parent, each step after its own parent only', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [add, echo] });
    const cleanup = oneTimeWork('echo', { input: { cleaned: true } });
    const start = manager.beginUniqueWork('image_manipulation_work', 'replace', cleanup);
    const saves = [1, 2, 3].map((n) =>
      oneTimeWork('echo', { tags: ['OUTPUT'], input: { file: n } }),
    );
    const blurs = [1, 2, 3].map((n) => oneTimeWork('add', { input: { n } }));
    const branches = blurs.map((blur, i) => start.then(blur).then(saves[i]));
    await WorkContinuation.combine(branches).enqueue();
    const all = await manager.getWorkInfosForUniqueWork('image_manipulation_work');
    expect(all).toHaveLength(7);
    expect(all.some((i) => i.workerName === 'work:combine')).toBe(false);
    expect((await manager.getWorkInfoById(saves[1].id))?.prerequisites).toEqual([blurs[1].id]);
    await driver.runUntilIdle();
    expect((await manager.getWorkInfoById(blurs[0].id))?.outputData).toEqual({ n: 2 });
    const outputs = await manager.getWorkInfosByTag('OUTPUT');
    expect(outputs.map((i) => i.outputData)).toEqual([
      { file: 1, n: 2 },
      { file: 2, n: 3 },
      { file: 3, n: 4 },
    ]);
  });

  it('combines chains into arrays for the next step', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [echo] });
    const left = manager.beginWith(oneTimeWork('echo', { input: { v: 1, list: [1, 2] } }));
    const right = manager.beginWith(oneTimeWork('echo', { input: { v: 2, list: [3] } }));
    const last = oneTimeWork('echo', { input: { own: 'x' } });
    await WorkContinuation.combine([left, right]).then(last).enqueue();
    await driver.runUntilIdle();
    const info = await manager.getWorkInfoById(last.id);
    expect(info?.state).toBe('SUCCEEDED');
    expect(info?.outputData).toEqual({ v: [1, 2], list: [1, 2, 3], own: 'x' });
  });

  it('fails the combine step when merged values have different types', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [echo] });
    const left = manager.beginWith(oneTimeWork('echo', { input: { v: 1 } }));
    const right = manager.beginWith(oneTimeWork('echo', { input: { v: 'one' } }));
    const last = oneTimeWork('echo');
    await WorkContinuation.combine([left, right]).then(last).enqueue();
    await driver.runUntilIdle();
    expect((await manager.getWorkInfoById(last.id))?.state).toBe('FAILED');
  });

  it('starts work appended behind a failed parent FAILED, behind a cancelled one CANCELLED', async () => {
    const { manager, driver } = await createTestWorkManager({ workers: [fail, add] });
    const bad = oneTimeWork('fail');
    const cont = manager.beginWith(bad);
    await cont.enqueue();
    await driver.runUntilIdle();
    const after = oneTimeWork('add');
    await cont.then(after).enqueue();
    expect((await manager.getWorkInfoById(after.id))?.state).toBe('FAILED');

    const slow = oneTimeWork('add', { initialDelayMs: 1000 });
    const cont2 = manager.beginWith(slow);
    await cont2.enqueue();
    await manager.cancelWorkById(slow.id);
    const after2 = oneTimeWork('add');
    await cont2.then(after2).enqueue();
    expect((await manager.getWorkInfoById(after2.id))?.state).toBe('CANCELLED');
  });

  it('refuses empty steps and cycles', async () => {
    const { manager } = await createTestWorkManager({ workers: [add] });
    expect(() => manager.beginWith([])).toThrow(WorkError);
    const a = oneTimeWork('add');
    const b = oneTimeWork('add');
    await expect(manager.beginWith(a).then(b).then(a).enqueue()).rejects.toMatchObject({
      code: 'cycle',
    });
    expect(() => manager.beginWith(a).then([])).toThrowError(
      expect.objectContaining({ code: 'empty-continuation' }) as Error,
    );
    expect(await manager.getWorkInfos({})).toEqual([]);
  });

  it('gives each worker its own input merged with data from all its parents', async () => {
    const seen: Data[] = [];
    const spy = defineWorker('spy', ({ input }) => {
      seen.push(input);
      return success();
    });
    const { manager, driver } = await createTestWorkManager({ workers: [echo, spy] });
    const p1 = oneTimeWork('echo', { input: { a: 1, shared: 'p1' } });
    const p2 = oneTimeWork('echo', { input: { b: 2, shared: 'p2' } });
    await manager
      .beginWith([p1, p2])
      .then(oneTimeWork('spy', { input: { shared: 'own', c: 3 } }))
      .enqueue();
    await driver.runUntilIdle();
    expect(seen).toEqual([{ a: 1, b: 2, c: 3, shared: 'p2' }]);
  });
});
