import type { BlurEngine, BlurJob, EngineName } from './BlurEngine';
import { bandSteps, separableBands } from './BlurEngine';
import { COEFFICIENT_COUNT, gaussianCoefficients } from './coefficients';
import { nextTask } from './nextTask';
import type { BlurHelper, JobTask, KernelExports, ThreadSupport } from './threadBands';
import {
  CANCEL,
  CONTROL_BYTES,
  COPIED,
  ROWS_DONE,
  COLUMNS_DONE,
  takeColumns,
  takeRows,
  threadSupport,
  threadUnits,
} from './threadBands';
import { gaussianWasmRelaxed, gaussianWasmSimd } from './wasm/gaussianWasm';

export type WasmVariant = 'relaxed-simd' | 'simd';

const sources: Record<WasmVariant, string> = {
  'relaxed-simd': gaussianWasmRelaxed,
  simd: gaussianWasmSimd,
};
const modules = new Map<WasmVariant, WebAssembly.Module | null>();
const PAGE = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The compiled kernel, or null where the browser lacks the feature (validation says so without
 * running anything). Compiled once; the module is 4 KB, so a synchronous compile is allowed
 * everywhere, even on a main thread.
 */
export function wasmModule(variant: WasmVariant): WebAssembly.Module | null {
  if (!modules.has(variant)) modules.set(variant, compileBase64(sources[variant]));
  return modules.get(variant) ?? null;
}

/** Validates and compiles base64 WASM; null where this browser lacks a feature it uses. */
export function compileBase64(text: string): WebAssembly.Module | null {
  const bytes = decodeBase64(text);
  const ok = typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  return ok ? new WebAssembly.Module(bytes) : null;
}

/**
 * Scratch bytes a row for the vertical pass (`ROW` in gaussian.as.ts): a strip of 16 columns
 * (RGBA pixels, or groups of four plane samples) in f32. The pass needs (height + 6) rows of it.
 */
export const STRIP_ROW_BYTES = 256;

/**
 * Memory layout: [static data][coefficients][control][scratch × threads][pixels]. Scratch serves
 * the horizontal pass (2 rows × width × 16 B) and the vertical one (a 16-column strip in f32:
 * (height + 6) × STRIP_ROW_BYTES); each thread has its own.
 */
function layout(heapBase: number, width: number, height: number, threads: number) {
  const align = (n: number) => Math.ceil(n / 64) * 64;
  const coef = align(heapBase);
  const ctrl = align(coef + COEFFICIENT_COUNT * 4);
  const scratch = ctrl + CONTROL_BYTES;
  const scratchBytes = align(Math.max(width * 32, (height + 6) * STRIP_ROW_BYTES));
  const pixels = scratch + scratchBytes * threads;
  const end = pixels + width * height * 4;
  return {
    coef,
    ctrl,
    scratch,
    scratch2: scratch + scratchBytes,
    pixels,
    pages: Math.ceil(end / PAGE),
  };
}

/** Below this many pixels a second thread does not pay for its messages (and stays out of the 1 MP
 * engine measurement, whose bands must run synchronously). */
export const THREADED_MIN_PIXELS = 2 << 20;

/**
 * Jobs up to this much WebAssembly memory (a 16 MP image) reuse one instance and its memory, so
 * a job neither maps fresh pages nor faults them in (12 K faults for 12 MP). Bigger jobs get a
 * memory of their own, dropped with the job: memory can grow but never shrink.
 */
export const REUSED_MEMORY_BYTES = 80 << 20;
/** An idle reused memory is let go after this long, so a one-off blur leaves nothing behind. */
const RELEASE_AFTER_MS = 10_000;

interface Arena {
  kernel: KernelExports;
  memory: WebAssembly.Memory;
  busy: boolean;
  release?: ReturnType<typeof setTimeout>;
}

const arenas = new Map<WebAssembly.Module, Arena>();
const heapBases = new Map<WebAssembly.Module, number>();

/**
 * A WASM SIMD engine. Jobs up to REUSED_MEMORY_BYTES share one instance per module, one job at a
 * time (a second concurrent job gets its own); larger jobs get their own instance and memory.
 */
export function createWasmEngine(variant: WasmVariant): BlurEngine | null {
  const module = wasmModule(variant);
  if (!module) return null;
  const name: EngineName = variant === 'simd' ? 'wasm-simd' : 'wasm-relaxed-simd';
  return {
    name,
    createJob: (width, height, sigma, options) =>
      (options?.threads !== false &&
        width * height >= THREADED_MIN_PIXELS &&
        threadedJob(variant, width, height, sigma)) ||
      createJob(module, width, height, sigma),
  };
}

export function heapBase(module: WebAssembly.Module, shared = false): number {
  let base = heapBases.get(module);
  if (base === undefined) {
    // The heap base is a constant of the module; one page is enough to read it.
    const memory = shared
      ? new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
      : new WebAssembly.Memory({ initial: 1 });
    const probe = instantiate(module, memory);
    base = (probe.HEAP_BASE.value as number) >>> 0;
    heapBases.set(module, base);
  }
  return base;
}

/** The shared arena grown to `pages`, or null when it is busy or the job is too big for it. */
function takeArena(module: WebAssembly.Module, pages: number, shared = false): Arena | null {
  if (pages * PAGE > REUSED_MEMORY_BYTES) return null;
  let arena = arenas.get(module);
  if (arena?.busy) return null;
  // A shared memory is created at its full size and never grown (see newMemory): one too small
  // is replaced.
  if (!arena || (shared && arena.memory.buffer.byteLength < pages * PAGE)) {
    if (arena) clearTimeout(arena.release);
    const memory = newMemory(pages, shared);
    arena = { kernel: instantiate(module, memory), memory, busy: false };
    arenas.set(module, arena);
  }
  clearTimeout(arena.release);
  const have = arena.memory.buffer.byteLength / PAGE;
  if (have < pages) arena.memory.grow(pages - have);
  arena.busy = true;
  return arena;
}

function giveBack(module: WebAssembly.Module, arena: Arena): void {
  arena.busy = false;
  arena.release = setTimeout(() => {
    if (!arena.busy && arenas.get(module) === arena) arenas.delete(module);
  }, RELEASE_AFTER_MS);
  // In Node, an idle arena must not keep the process alive.
  (arena.release as { unref?: () => void } | number as { unref?: () => void }).unref?.();
}

export interface KernelMemory {
  kernel: KernelExports;
  memory: WebAssembly.Memory;
  /** Hands the reused memory back (once; later calls do nothing). */
  release: () => void;
}

/**
 * An instance over at least `pages` of memory (shared for a two-thread job): the reused arena when
 * free and small enough.
 */
export function acquireMemory(
  module: WebAssembly.Module,
  pages: number,
  shared = false,
): KernelMemory {
  if (pages > 65536) throw new RangeError('image too large for 32-bit WebAssembly memory');
  const arena = takeArena(module, pages, shared);
  const memory = arena?.memory ?? newMemory(pages, shared);
  const kernel = arena?.kernel ?? instantiate(module, memory);
  let released = false;
  const release = () => {
    if (arena && !released) giveBack(module, arena);
    released = true;
  };
  return { kernel, memory, release };
}

function createJob(
  module: WebAssembly.Module,
  width: number,
  height: number,
  sigma: number,
): BlurJob {
  const at = layout(heapBase(module), width, height, 1);
  const { kernel, memory, release } = acquireMemory(module, at.pages);
  new Float32Array(memory.buffer, at.coef, COEFFICIENT_COUNT).set(gaussianCoefficients(sigma));
  const pixels = new Uint8ClampedArray(memory.buffer, at.pixels, width * height * 4);
  const passes = separableBands(
    width,
    height,
    (row0, row1) => kernel.blurRows(at.pixels, width, row0, row1, at.scratch, at.coef),
    (col0, col1) => kernel.blurColumns(at.pixels, width, height, col0, col1, at.scratch, at.coef),
  );
  return { pixels, ...passes, dispose: release };
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

/** A shared memory needs a maximum; it is its size, and a shared arena too small is replaced. */
function newMemory(pages: number, shared: boolean): WebAssembly.Memory {
  if (!shared) return new WebAssembly.Memory({ initial: pages });
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** `Atomics.waitAsync` (ES2024; Chromium has it): the lib here is ES2022. */
interface AtomicsWaitAsync {
  waitAsync?: (
    array: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ) => { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * The same job on two threads over a shared memory: this thread and a helper worker take units
 * of each pass from shared counters; one message to the helper per job. The helper goes on to
 * the columns as soon as every row unit is finished (it waits on a counter, not for a message);
 * this thread, which may be a page's main thread and cannot block, waits there with
 * `Atomics.waitAsync`. Null when this context has no helper (the service worker, a page without
 * cross-origin isolation) or it is busy.
 */
function threadedJob(
  variant: WasmVariant,
  width: number,
  height: number,
  sigma: number,
): BlurJob | null {
  const support = threadSupport();
  const module = support?.module(variant);
  if (!support || !module) return null;
  const at = layout(heapBase(module, true), width, height, 2);
  if (at.pages > 65536) return null;
  const helper = support.acquire();
  if (!helper) return null;
  const { kernel, memory, release } = acquireMemory(module, at.pages, true);
  new Float32Array(memory.buffer, at.coef, COEFFICIENT_COUNT).set(gaussianCoefficients(sigma));
  const control = new Int32Array(memory.buffer);
  const ctrl = at.ctrl >> 2;
  new Int32Array(memory.buffer, at.ctrl, CONTROL_BYTES / 4).fill(0);
  Atomics.store(control, ctrl + COPIED, height);
  const pixels = new Uint8ClampedArray(memory.buffer, at.pixels, width * height * 4);
  const { rowBands, colBands } = bandSteps(width, height);
  const { rowUnit, colUnit, rowUnits, colUnits } = threadUnits(width, height);
  const task: JobTask = {
    width,
    height,
    pix: at.pixels,
    coef: at.coef,
    ctrl: at.ctrl,
    scratch: at.scratch,
    rowUnit,
    colUnit,
  };
  let source: Uint8ClampedArray | undefined;
  let pending: Promise<void> | undefined;
  let failed: Error | undefined;
  const start = () => {
    pending = helper.run(module, memory, { ...task, scratch: at.scratch2 });
    pending.catch((e: unknown) => {
      failed = e instanceof Error ? e : new Error(String(e));
    });
    if (!source) return;
    // The copy in, a row unit at a time; the helper takes each unit once it is here.
    const rowBytes = width * 4;
    for (let row0 = 0; row0 < height; row0 += rowUnit) {
      const row1 = Math.min(height, row0 + rowUnit);
      pixels.set(source.subarray(row0 * rowBytes, row1 * rowBytes), row0 * rowBytes);
      Atomics.store(control, ctrl + COPIED, row1);
      Atomics.notify(control, ctrl + COPIED);
    }
    source = undefined;
  };
  // Until every unit of a pass is finished (`word` counts them). The helper has at most one unit
  // left to finish: this thread spins for a moment, then sleeps until the helper's next unit is
  // done (it notifies), so that on a busy machine it does not take a core from the helper. A
  // failed helper never notifies: the wait times out now and then to see it.
  const finished = async (word: number, units: number) => {
    const at = ctrl + word;
    const spinUntil = performance.now() + 0.2;
    for (let done = Atomics.load(control, at); done < units; done = Atomics.load(control, at)) {
      if (failed !== undefined) throw failed;
      if (performance.now() < spinUntil) continue;
      const wait = (Atomics as AtomicsWaitAsync).waitAsync?.(control, at, done, 50);
      if (wait?.async) await wait.value;
      else if (!wait) await nextTask();
    }
  };
  const rowQuota = Math.ceil(rowUnits / rowBands);
  const colQuota = Math.ceil(colUnits / colBands);
  const runBand = async (index: number) => {
    if (index === 0) start();
    const rows = index < rowBands;
    const last = index === rowBands - 1 || index === rowBands + colBands - 1;
    const take = rows ? takeRows : takeColumns;
    for (let n = 0; last || n < (rows ? rowQuota : colQuota); n++) {
      if (!take(kernel, control, task)) break;
    }
    if (!last) return;
    // The pixels are final once every column unit is: the copy out starts then, not once the
    // helper's answer has come through its event loop (0.2–1 ms later). `settled` waits for that.
    await finished(rows ? ROWS_DONE : COLUMNS_DONE, rows ? rowUnits : colUnits);
  };
  // The helper answers once it has no unit left; its memory is then free for the next job, and so
  // is the helper.
  const settled = async () => {
    await pending;
  };
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    Atomics.store(control, ctrl + CANCEL, 1);
    Atomics.notify(control, ctrl + COPIED);
    Atomics.notify(control, ctrl + ROWS_DONE);
    const done = () => {
      release();
      support.release(helper);
    };
    // The memory is reused only once the helper has let go of it.
    if (pending) pending.then(done, done);
    else done();
  };
  const copyIn = (pixelsIn: Uint8ClampedArray) => {
    source = pixelsIn;
    Atomics.store(control, ctrl + COPIED, 0);
  };
  return { pixels, bands: rowBands + colBands, rowBands, runBand, copyIn, settled, dispose };
}

export type { ThreadSupport, BlurHelper };
