// What both threads of a two-thread blur run: units taken from shared counters, so a thread the
// OS sets aside takes fewer units instead of holding up the pass. No worker is started here.

/** The kernel's exports, as wasmEngine.ts and blurHelper.worker.ts call them. */
export interface KernelExports {
  HEAP_BASE: WebAssembly.Global;
  blurRows(
    pix: number,
    width: number,
    row0: number,
    row1: number,
    scratch: number,
    coef: number,
  ): void;
  blurColumns(
    pix: number,
    width: number,
    height: number,
    col0: number,
    col1: number,
    scratch: number,
    coef: number,
  ): void;
  blurPlaneRows(
    pix: number,
    width: number,
    stride: number,
    row0: number,
    row1: number,
    scratch: number,
    coef: number,
  ): void;
  blurPlaneColumns(
    pix: number,
    stride: number,
    height: number,
    quad0: number,
    quad1: number,
    scratch: number,
    coef: number,
  ): void;
  yuvToRgba(
    y: number,
    yStride: number,
    u: number,
    v: number,
    cStride: number,
    width: number,
    height: number,
    subX: number,
    subY: number,
    row0: number,
    row1: number,
    out: number,
    scratch: number,
  ): void;
}

/**
 * Words at `ctrl` (Int32): the next row unit and the next column unit to take, a cancel flag,
 * the rows copied in so far, and the row and column units finished.
 */
export const NEXT_ROW = 0;
export const NEXT_COLUMN = 1;
export const CANCEL = 2;
export const COPIED = 3;
export const ROWS_DONE = 4;
export const COLUMNS_DONE = 5;
export const CONTROL_BYTES = 64;

/** One job, as posted to the helper (addresses are in the shared memory). */
export interface JobTask {
  width: number;
  height: number;
  pix: number;
  coef: number;
  ctrl: number;
  /** This thread's scratch. */
  scratch: number;
  /** Rows per row unit and columns per column unit: the pieces both threads take. */
  rowUnit: number;
  colUnit: number;
}

/**
 * Units of about 128 K pixels (a fraction of a millisecond each), so that at the end of a pass
 * the thread that finishes first waits for at most that much of the other's work: rows in pairs
 * (the horizontal pass takes two at a time), columns in 16-column strips.
 */
export function threadUnits(width: number, height: number) {
  const rowUnit = Math.max(2, 2 * Math.round((1 << 16) / width));
  const colUnit = 16 * Math.max(1, Math.round((1 << 13) / height));
  return {
    rowUnit,
    colUnit,
    rowUnits: Math.ceil(height / rowUnit),
    colUnits: Math.ceil(width / colUnit),
  };
}

/**
 * Takes the next row unit and runs it once its rows are copied in; false once none is left (or
 * the job is cancelled). `control` is an Int32Array over the whole shared memory. Only the helper
 * can find its rows not yet copied, and block: the thread that copies finishes copying first.
 */
export function takeRows(kernel: KernelExports, control: Int32Array, task: JobTask): boolean {
  const at = task.ctrl >> 2;
  if (Atomics.load(control, at + CANCEL) !== 0) return false;
  const row0 = Atomics.add(control, at + NEXT_ROW, 1) * task.rowUnit;
  if (row0 >= task.height) return false;
  const row1 = Math.min(task.height, row0 + task.rowUnit);
  for (;;) {
    const copied = Atomics.load(control, at + COPIED);
    if (copied >= row1) break;
    if (Atomics.load(control, at + CANCEL) !== 0) return false;
    Atomics.wait(control, at + COPIED, copied);
  }
  kernel.blurRows(task.pix, task.width, row0, row1, task.scratch, task.coef);
  Atomics.add(control, at + ROWS_DONE, 1);
  Atomics.notify(control, at + ROWS_DONE);
  return true;
}

/** Takes the next column unit and runs it; false once none is left (or the job is cancelled). */
export function takeColumns(kernel: KernelExports, control: Int32Array, task: JobTask): boolean {
  const at = task.ctrl >> 2;
  if (Atomics.load(control, at + CANCEL) !== 0) return false;
  const col0 = Atomics.add(control, at + NEXT_COLUMN, 1) * task.colUnit;
  if (col0 >= task.width) return false;
  const col1 = Math.min(task.width, col0 + task.colUnit);
  kernel.blurColumns(task.pix, task.width, task.height, col0, col1, task.scratch, task.coef);
  Atomics.add(control, at + COLUMNS_DONE, 1);
  Atomics.notify(control, at + COLUMNS_DONE);
  return true;
}

/**
 * The helper's side of a job: row units until none is left, then (once every row unit is
 * finished, by either thread) column units until none is left. Blocks, so it runs in a worker.
 */
export function runJob(kernel: KernelExports, control: Int32Array, task: JobTask): void {
  const at = task.ctrl >> 2;
  while (takeRows(kernel, control, task));
  const rowUnits = Math.ceil(task.height / task.rowUnit);
  for (;;) {
    const done = Atomics.load(control, at + ROWS_DONE);
    if (done >= rowUnits || Atomics.load(control, at + CANCEL) !== 0) break;
    Atomics.wait(control, at + ROWS_DONE, done);
  }
  while (takeColumns(kernel, control, task));
}

// The helper's instance. A module or memory posted again arrives as a new object (a shared
// memory's buffer too), so it is kept by the sender's name for the pair (blurThreads.ts): the next
// job over the same memory reuses it. (Kept by object, it was made afresh for every job: 0.2–2 ms
// before the helper's first unit.)
let helperInstance: { name: string; kernel: KernelExports } | undefined;

/** The helper's kernel over `memory`, instantiated only when `name` differs from the last. */
export function helperKernel(
  name: string,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): KernelExports {
  if (helperInstance?.name !== name) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    helperInstance = { name, kernel: instance.exports as unknown as KernelExports };
  }
  return helperInstance.kernel;
}

/** A second thread for the kernel: runs `runJob` on its own instance over the same memory. */
export interface BlurHelper {
  /** Resolves when the helper has no unit of this job left; rejects if the helper died. */
  run(module: WebAssembly.Module, memory: WebAssembly.Memory, task: JobTask): Promise<void>;
}

/** What blurThreads.ts registers with wasmEngine.ts in a context that may start a worker. */
export interface ThreadSupport {
  /** The shared-memory build of a variant, or null. */
  module(variant: 'relaxed-simd' | 'simd'): WebAssembly.Module | null;
  /** A free helper, or null (then the job runs on one thread). */
  acquire(): BlurHelper | null;
  release(helper: BlurHelper): void;
}

let support: ThreadSupport | undefined;

export function setThreadSupport(next: ThreadSupport | undefined): void {
  support = next;
}

export function threadSupport(): ThreadSupport | undefined {
  // Shared memory exists only in a cross-origin isolated context (and in Node).
  if (typeof SharedArrayBuffer !== 'function') return undefined;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false)
    return undefined;
  return support;
}
