import { describe, expect, it } from 'vitest';
import './setup';
import {
  defineWorker,
  failure,
  oneTimeWork,
  success,
  WorkContinuation,
  type WorkInfo,
} from '../../../src/work/index';
import { createTestWorkManager } from '../../../src/work/testing';
import { describeChanges } from '../../../src/work/inspector/describeChanges';
import { filterWork, NO_FILTER, workFacets } from '../../../src/work/inspector/filterWork';
import { chainOf, layoutGraph } from '../../../src/work/inspector/layoutGraph';
import { resolveInput } from '../../../src/work/inspector/resolveInput';
import { workExport } from '../../../src/work/inspector/exportWork';

const echo = defineWorker('echo', ({ input }) => success(input));
const fail = defineWorker('fail', () => failure({ error: 'no' }));

async function blurLikeChain(branches: number) {
  const { manager, driver } = await createTestWorkManager({ workers: [echo, fail] });
  const cleanup = oneTimeWork('echo', { input: { removed: 0 } });
  const chain = manager.beginUniqueWork('images', 'replace', cleanup);
  const pairs = Array.from({ length: branches }, (_, i) => ({
    blur: oneTimeWork('echo', { input: { file: `f${i}`, level: 1 } }),
    save: oneTimeWork('echo', { input: { savedName: `s${i}` }, tags: ['OUTPUT'] }),
  }));
  await WorkContinuation.combine(pairs.map((p) => chain.then(p.blur).then(p.save))).enqueue();
  return { manager, driver, cleanup, pairs };
}

const byIdOf = (infos: WorkInfo[]) => new Map(infos.map((i) => [i.id, i]));

describe('chain graph', () => {
  it('lays out cleanup → blur → save as three layers with two edges', async () => {
    const { manager, driver, cleanup, pairs } = await blurLikeChain(1);
    await driver.runUntilIdle();
    const infos = await manager.getWorkInfos({});
    const graph = layoutGraph(chainOf(pairs[0].save.id, byIdOf(infos)));
    expect(graph.nodes.map((n) => [n.info.id, n.layer, n.row])).toEqual([
      [cleanup.id, 0, 0],
      [pairs[0].blur.id, 1, 0],
      [pairs[0].save.id, 2, 0],
    ]);
    expect(graph.edges).toEqual([
      { from: cleanup.id, to: pairs[0].blur.id },
      { from: pairs[0].blur.id, to: pairs[0].save.id },
    ]);
  });

  it('puts parallel branches side by side and leaves other chains out', async () => {
    const { manager, pairs } = await blurLikeChain(2);
    await manager.enqueue(oneTimeWork('echo'));
    const infos = await manager.getWorkInfos({});
    const chain = chainOf(pairs[1].blur.id, byIdOf(infos));
    expect(chain).toHaveLength(5);
    const graph = layoutGraph(chain);
    expect([graph.layers, graph.rows, graph.edges.length]).toEqual([3, 2, 4]);
  });
});

describe('resolved input', () => {
  it('merges the parents’ outputs over the own input once they succeeded', async () => {
    const { manager, driver, pairs } = await blurLikeChain(1);
    const waiting = byIdOf(await manager.getWorkInfos({}));
    const early = resolveInput(waiting.get(pairs[0].save.id)!, waiting);
    expect(early).toMatchObject({ input: { savedName: 's0' }, complete: false });
    await driver.runUntilIdle();
    const done = byIdOf(await manager.getWorkInfos({}));
    expect(resolveInput(done.get(pairs[0].save.id)!, done)).toEqual({
      input: { savedName: 's0', removed: 0, file: 'f0', level: 1 },
      complete: true,
      note: null,
    });
  });

  it('says when a prerequisite’s output is gone', async () => {
    const { manager, driver, cleanup, pairs } = await blurLikeChain(1);
    await driver.runUntilIdle();
    const infos = (await manager.getWorkInfos({})).filter((i) => i.id !== cleanup.id);
    const r = resolveInput(byIdOf(infos).get(pairs[0].blur.id)!, byIdOf(infos));
    expect(r.complete).toBe(false);
    expect(r.note).toContain(cleanup.id.slice(0, 8));
  });
});

describe('filters, sort, changes and export', () => {
  it('filters by state, tag and unique name and sorts by a time', async () => {
    const { manager, driver, pairs } = await blurLikeChain(2);
    await manager.enqueue(oneTimeWork('fail', { tags: ['lonely'] }));
    await driver.runUntilIdle();
    const infos = await manager.getWorkInfos({});
    const outputs = filterWork(infos, { ...NO_FILTER, tag: 'OUTPUT' }, DEFAULT_ORDER);
    expect(outputs.map((i) => i.id).sort()).toEqual(pairs.map((p) => p.save.id).sort());
    expect(filterWork(infos, { ...NO_FILTER, state: 'FAILED' }, DEFAULT_ORDER)).toHaveLength(1);
    expect(filterWork(infos, { ...NO_FILTER, uniqueName: 'images' }, DEFAULT_ORDER)).toHaveLength(
      5,
    );
    const oldest = filterWork(infos, NO_FILTER, { field: 'finishedAt', order: 'oldest' });
    const times = oldest.map((i) => i.finishedAt!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(workFacets(infos)).toEqual({
      tags: ['OUTPUT', 'echo', 'fail', 'lonely'],
      uniqueNames: ['images'],
    });
  });

  it('sorts work without the time last, whichever the order', () => {
    const a = { id: 'a', startedAt: 5 } as WorkInfo;
    const b = { id: 'b' } as WorkInfo;
    const c = { id: 'c', startedAt: 9 } as WorkInfo;
    const ids = (order: 'newest' | 'oldest') =>
      filterWork([a, b, c], NO_FILTER, { field: 'startedAt', order }).map((i) => i.id);
    expect(ids('newest')).toEqual(['c', 'a', 'b']);
    expect(ids('oldest')).toEqual(['a', 'c', 'b']);
  });

  it('names state changes and counts new and removed work', () => {
    const run = { id: 'abcdef123', workerName: 'blur', state: 'RUNNING' } as WorkInfo;
    const before = new Map([
      [run.id, run],
      ['gone', { ...run, id: 'gone' }],
    ]);
    const after = [
      { ...run, state: 'SUCCEEDED' as const },
      { ...run, id: 'new' },
    ];
    expect(describeChanges(before, after)).toBe(
      'blur abcdef12 SUCCEEDED; 1 new work; 1 work removed',
    );
    expect(describeChanges(new Map([[run.id, run]]), [{ ...run, rev: 9 }])).toBe('');
  });

  it('exports every work as JSON that reads back', async () => {
    const { manager, driver } = await blurLikeChain(1);
    await driver.runUntilIdle();
    const infos = await manager.getWorkInfos({});
    const doc = JSON.parse(workExport('app', infos, 42));
    expect(doc).toMatchObject({ name: 'app', exportedAt: 42, version: 1 });
    expect(doc.works).toEqual(infos);
  });
});

const DEFAULT_ORDER = { field: 'enqueuedAt', order: 'newest' } as const;
