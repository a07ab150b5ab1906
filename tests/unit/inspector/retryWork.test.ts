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
import { failureCause, planRetry, RetryError } from '../../../src/work/inspector/planRetry';
import { retryWork } from '../../../src/work/inspector/retryWork';

/** Fails while `broken` is true: the test mends it between the failure and the retry. */
function flaky() {
  const state = { broken: true, inputs: [] as unknown[] };
  const worker = defineWorker('flaky', ({ input }) => {
    state.inputs.push(input);
    return state.broken
      ? failure({ error: 'broken' })
      : success({ made: `${String(input.seed)}!` });
  });
  return { state, worker };
}
const seed = defineWorker('seed', () => success({ seed: 'abc', level: 2 }));
const echo = defineWorker('echo', ({ input }) => success(input));

async function all(manager: { getWorkInfos(q: object): Promise<WorkInfo[]> }) {
  return manager.getWorkInfos({});
}

describe('retry of a failed work', () => {
  it('re-enqueues the work with its resolved input and the dependents that failed behind it', async () => {
    const { state, worker } = flaky();
    const { manager, driver } = await createTestWorkManager({ workers: [seed, worker, echo] });
    const a = oneTimeWork('seed');
    const b = oneTimeWork('flaky', { input: { level: 1, own: true }, tags: ['mid'] });
    const c = oneTimeWork('echo', { input: { keep: 'me' }, tags: ['OUTPUT'] });
    await manager.beginWith(a).then(b).then(c).enqueue();
    await driver.runUntilIdle();
    const before = await all(manager);
    expect(before.map((i) => i.state)).toEqual(['SUCCEEDED', 'FAILED', 'FAILED']);

    const plan = planRetry(b.id, before);
    expect(plan.nodes.map((n) => n.originalId)).toEqual([b.id, c.id]);
    // Parents' outputs win over the work's own input, as the overwriting merger does.
    expect(plan.nodes[0].input).toEqual({ level: 2, own: true, seed: 'abc' });
    expect(plan.nodes[0].parents).toEqual([]);
    expect(plan.nodes[1].parents).toEqual([b.id]);

    state.broken = false;
    const created = await retryWork(manager, plan);
    await driver.runUntilIdle();
    const [b2, c2] = await manager.getWorkInfos({ ids: [created.get(b.id)!, created.get(c.id)!] });
    expect([b2.state, c2.state]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(b2.runAttemptCount).toBe(1);
    expect(b2.prerequisites).toEqual([]);
    expect(c2.prerequisites).toEqual([b2.id]);
    expect(b2.tags).toEqual(['flaky', 'mid']);
    expect(c2.tags).toContain('OUTPUT');
    expect(state.inputs.at(-1)).toEqual({ level: 2, own: true, seed: 'abc' });
    expect(c2.outputData).toEqual({ keep: 'me', made: 'abc!' });
    // The failed originals stay as they were: the retry adds, it does not rewrite history.
    expect((await manager.getWorkInfoById(b.id))?.state).toBe('FAILED');
  });

  it('refuses a work that failed only because its prerequisite did, and names the cause', async () => {
    const { worker } = flaky();
    const { manager, driver } = await createTestWorkManager({ workers: [worker, echo] });
    const b = oneTimeWork('flaky');
    const c = oneTimeWork('echo');
    const d = oneTimeWork('echo');
    await manager.beginWith(b).then(c).then(d).enqueue();
    await driver.runUntilIdle();
    const infos = await all(manager);
    const byId = new Map(infos.map((i) => [i.id, i]));
    expect(() => planRetry(c.id, infos)).toThrow(RetryError);
    expect(failureCause(byId.get(d.id)!, byId).id).toBe(b.id);
  });

  it('folds a succeeded outside prerequisite into a dependent and rebuilds a combine', async () => {
    const { state, worker } = flaky();
    const { manager, driver } = await createTestWorkManager({ workers: [seed, worker, echo] });
    const good = oneTimeWork('echo', { input: { side: ['ok'] } });
    const bad = oneTimeWork('flaky', { input: { seed: 'x' } });
    const join = oneTimeWork('echo');
    await WorkContinuation.combine([manager.beginWith(good), manager.beginWith(bad)])
      .then(join)
      .enqueue();
    await driver.runUntilIdle();
    const infos = await all(manager);
    expect(infos.filter((i) => i.state === 'FAILED')).toHaveLength(3);

    state.broken = false;
    const created = await retryWork(manager, planRetry(bad.id, infos));
    await driver.runUntilIdle();
    const joined = await manager.getWorkInfoById(created.get(join.id)!);
    expect(joined?.state).toBe('SUCCEEDED');
    // The hidden node merges into arrays: the outside parent's output folded in, then the retry's.
    expect(joined?.outputData).toEqual({ side: ['ok'], made: ['x!'] });
  });
});
