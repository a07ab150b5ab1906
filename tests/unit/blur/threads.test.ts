import { afterEach, describe, expect, test } from 'vitest';
import type { BlurHelper, JobTask, KernelExports } from '../../../src/blur/threadBands';
import { runJob, setThreadSupport } from '../../../src/blur/threadBands';
import { gaussianBlur } from '../../../src/blur/gaussianBlur';
import { compileBase64, THREADED_MIN_PIXELS, wasmModule } from '../../../src/blur/wasmEngine';
import { gaussianWasmSimdShared } from '../../../src/blur/wasm/gaussianWasmShared';
import { makeTestImage } from './testImage';

// The two-thread path in Node: the "helper" is a second instance over the same shared memory,
// run from a macrotask (this thread yields after every band) so that it and this thread both take
// units from the counters.
const shared = wasmModule('simd') ? compileBase64(gaussianWasmSimdShared) : null;

function install() {
  const log = { acquired: 0, released: 0, helperUnits: 0 };
  const helper: BlurHelper = {
    run(module: WebAssembly.Module, memory: WebAssembly.Memory, task: JobTask) {
      return new Promise((resolve) =>
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
          resolve();
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

  test('small images stay on one thread', async () => {
    const log = install();
    await gaussianBlur(makeTestImage(300, 200), 300, 200, 4, { engine: 'wasm-simd' });
    expect(log.acquired).toBe(0);
  });
});
