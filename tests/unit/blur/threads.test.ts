import { afterEach, describe, expect, test } from 'vitest';
import type { BlurHelper, JobTask, KernelExports } from '../../../src/blur/threadBands';
import { helperKernel, runJob, setThreadSupport } from '../../../src/blur/threadBands';
import { engineByName } from '../../../src/blur/chooseEngine';
import { gaussianBlur } from '../../../src/blur/gaussianBlur';
import { runBlurJob } from '../../../src/blur/runBlurJob';
import { compileBase64, THREADED_MIN_PIXELS, wasmModule } from '../../../src/blur/wasmEngine';
import { gaussianWasmSimdShared } from '../../../src/blur/wasm/gaussianWasmShared';
import { makeTestImage } from './testImage';

// The two-thread path in Node: the "helper" is a second instance over the same shared memory,
// run from a macrotask (this thread yields after every band) so that it and this thread both take
// units from the counters.
const shared = wasmModule('simd') ? compileBase64(gaussianWasmSimdShared) : null;

/** `answerAfter`: ms between the helper's last unit and its answer (a slow event loop). */
function install(answerAfter = 0) {
  const log = { acquired: 0, released: 0, helperUnits: 0, answered: 0 };
  const helper: BlurHelper = {
    run(module: WebAssembly.Module, memory: WebAssembly.Memory, task: JobTask) {
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          const kernel = new WebAssembly.Instance(module, { env: { memory } })
            .exports as unknown as KernelExports;
          // Counts the units this "helper" runs.
          const counted: KernelExports = {
            ...kernel,
            blurRows: (...args) => (log.helperUnits++, kernel.blurRows(...args)),
            blurColumns: (...args) => (log.helperUnits++, kernel.blurColumns(...args)),
          };
          runJob(counted, new Int32Array(memory.buffer), task);
          setTimeout(() => (log.answered++, resolve()), answerAfter);
        }, 0),
      );
    },
  };
  setThreadSupport({
    module: () => shared,
    acquire: () => (log.acquired++, helper),
    release: () => void log.released++,
  });
  return log;
}

afterEach(() => setThreadSupport(undefined));

describe.skipIf(!shared)('gaussianBlur on two threads (shared memory)', () => {
  const W = 2048;
  const H = 1100; // ≥ THREADED_MIN_PIXELS
  const source = makeTestImage(W, H, 3);

  test('gives the same bytes as one thread, and hands the helper back', async () => {
    expect(W * H).toBeGreaterThanOrEqual(THREADED_MIN_PIXELS);
    const one = await gaussianBlur(source.slice(), W, H, 8, { engine: 'wasm-simd' });
    const log = install();
    const two = await gaussianBlur(source.slice(), W, H, 8, { engine: 'wasm-simd', yieldEvery: 0 });
    expect(log.acquired).toBe(1);
    expect(log.released).toBe(1);
    expect(log.helperUnits).toBeGreaterThan(0);
    expect(two.findIndex((v, i) => v !== one[i])).toBe(-1); // toEqual is slow on 9 MB
  });

  test('an abort between bands rejects and releases the helper once it is done', async () => {
    const log = install();
    const controller = new AbortController();
    const run = gaussianBlur(source.slice(), W, H, 8, {
      engine: 'wasm-simd',
      signal: controller.signal,
      onProgress: (f) => f > 0.2 && controller.abort(new Error('stop')),
    });
    await expect(run).rejects.toThrow('stop');
    await new Promise((r) => setTimeout(r, 20));
    expect(log.released).toBe(1);
  });

  test('the last band ends with the last column unit, not with the helper answer', async () => {
    const one = await gaussianBlur(source.slice(), W, H, 8, { engine: 'wasm-simd' });
    const log = install(300);
    const job = engineByName('wasm-simd').createJob(W, H, 8);
    job.copyIn?.(source);
    await runBlurJob(job, { yieldEvery: 0 });
    // Every unit is finished (the pixels are final) while the helper's answer is still on its way.
    expect(log.answered).toBe(0);
    expect(job.pixels.findIndex((v, i) => v !== one[i])).toBe(-1);
    await job.settled?.();
    expect(log.answered).toBe(1);
    job.dispose?.();
    expect(log.released).toBe(0); // released once the answer is in: a microtask later
    await Promise.resolve();
    expect(log.released).toBe(1);
  });

  test('small images stay on one thread', async () => {
    const log = install();
    await gaussianBlur(makeTestImage(300, 200), 300, 200, 4, { engine: 'wasm-simd' });
    expect(log.acquired).toBe(0);
  });
});

describe.skipIf(!shared)('the helper instance', () => {
  test('is kept by the name of its module and memory, not by the posted objects', () => {
    if (!shared) return;
    const memory = new WebAssembly.Memory({ initial: 20, maximum: 20, shared: true });
    const first = helperKernel('1:2', shared, memory);
    // A memory posted again is a new object: the name says it is the same one.
    const again = new WebAssembly.Memory({ initial: 20, maximum: 20, shared: true });
    expect(helperKernel('1:2', shared, again)).toBe(first);
    const other = helperKernel('1:3', shared, again);
    expect(other).not.toBe(first);
    expect(helperKernel('1:3', shared, again)).toBe(other);
  });
});
