import { defineWorker, success, type AnyWorkerDefinition, type Data } from '../../work';
import { sleep } from './appWorkers';
import type { PixelBlur } from './blurEnv';
import { testProbe, type ProbeRecord } from './testProbe';

/** Test-only worker names: installed by the e2e build alone (`__E2E__`). */
export const TEST_COUNT = 'test:count';
export const TEST_POOL_BLUR = 'test:pool-blur';

export interface TestWorkerEnv {
  context: ProbeRecord['context'];
  /** The executor's pool of blur workers (absent in the service worker). */
  blurPixels?: PixelBlur;
}

const BEAT_MS = 50;

/**
 * Workers that count their runs in the probe database (start, heartbeat, end), so a test can
 * prove that no run was lost, none overlapped another of the same work, and one result
 * committed. `test:count` waits `ms`, then for its `gate` to open; `test:pool-blur` blurs a
 * synthetic image `passes` times in the executor's pool.
 */
export function createTestWorkers(env: TestWorkerEnv): AnyWorkerDefinition[] {
  const workers = [countWorker(env)];
  if (env.blurPixels) workers.push(poolBlurWorker(env, env.blurPixels));
  return workers;
}

function countWorker(env: TestWorkerEnv): AnyWorkerDefinition {
  return defineWorker<Data>(TEST_COUNT, async (ctx) => {
    const run = await beginRun(env, ctx.id, ctx.runAttemptCount);
    const until = Date.now() + (typeof ctx.input.ms === 'number' ? ctx.input.ms : 0);
    const gate = typeof ctx.input.gate === 'string' ? ctx.input.gate : null;
    while (Date.now() < until || (gate !== null && !(await testProbe.isOpen(gate)))) {
      ctx.signal.throwIfAborted();
      await sleep(BEAT_MS, ctx.signal);
      await beat(run);
    }
    await endRun(run);
    return success({ attempt: ctx.runAttemptCount, context: env.context });
  });
}

function poolBlurWorker(env: TestWorkerEnv, blurPixels: PixelBlur): AnyWorkerDefinition {
  return defineWorker<Data>(TEST_POOL_BLUR, async (ctx) => {
    const run = await beginRun(env, ctx.id, ctx.runAttemptCount);
    const passes = typeof ctx.input.passes === 'number' ? ctx.input.passes : 1;
    const [width, height] = [2000, 1500];
    let pixels = new Uint8ClampedArray(width * height * 4).map((_, i) => (i * 7919) % 256);
    for (let pass = 0; pass < passes; pass++) {
      const call = blurPixels(ctx.signal, pixels, width, height, 24, () => undefined);
      call.catch(() => undefined); // awaited below; this only keeps an early abort handled
      // The bookkeeping runs while the pool works, so a cancel never falls between two pool
      // calls (where there is no worker busy to terminate).
      await Promise.all([ctx.setProgress({ pass: pass + 1 }), beat(run)]);
      pixels = await call;
    }
    await endRun(run);
    return success({ passes });
  });
}

async function beginRun(env: TestWorkerEnv, workId: string, attempt: number) {
  const now = Date.now();
  const record: ProbeRecord = {
    kind: 'run',
    workId,
    attempt,
    context: env.context,
    start: now,
    beat: now,
    end: null,
  };
  record.id = await testProbe.add(record);
  return record;
}

async function beat(run: ProbeRecord): Promise<void> {
  run.beat = Date.now();
  await testProbe.put(run);
}

async function endRun(run: ProbeRecord): Promise<void> {
  run.end = run.beat = Date.now();
  await testProbe.put(run);
}

/**
 * Records each termination of a Worker by this context (the blur pool terminates the worker
 * doing a cancelled call), so a test can see it happen.
 */
export function probeWorkerTerminations(context: ProbeRecord['context']): void {
  const { terminate } = Worker.prototype as { terminate: (this: Worker) => void };
  Worker.prototype.terminate = function (this: Worker) {
    const now = Date.now();
    void testProbe.add({
      kind: 'terminate',
      workId: '',
      attempt: 0,
      context,
      start: now,
      beat: now,
      end: now,
    });
    terminate.call(this);
  };
}
