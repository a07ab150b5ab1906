// What both threads of a two-thread blur run: bands taken from a shared counter, so a thread the
// OS sets aside takes fewer bands instead of holding up the pass. No worker is started here.

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

/** Words at `ctrl` (Int32): the next row band, the next column band, and a cancel flag. */
export const NEXT_ROW = 0;
export const NEXT_COLUMN = 1;
export const CANCEL = 2;
export const CONTROL_BYTES = 64;

/** One pass of one job, as posted to the helper (addresses are in the shared memory). */
export interface PassTask {
  pass: 'rows' | 'columns';
  width: number;
  height: number;
  pix: number;
  coef: number;
  ctrl: number;
  /** This thread's scratch. */
  scratch: number;
  rowStep: number;
  colStep: number;
}

/**
 * Takes the pass's next band and runs it; false once none is left (or the job is cancelled).
 * `control` is an Int32Array over the whole shared memory.
 */
export function takeBand(kernel: KernelExports, control: Int32Array, task: PassTask): boolean {
  const at = task.ctrl >> 2;
  if (Atomics.load(control, at + CANCEL) !== 0) return false;
  if (task.pass === 'rows') {
    const row0 = Atomics.add(control, at + NEXT_ROW, 1) * task.rowStep;
    if (row0 >= task.height) return false;
    const row1 = Math.min(task.height, row0 + task.rowStep);
    kernel.blurRows(task.pix, task.width, row0, row1, task.scratch, task.coef);
  } else {
    const col0 = Atomics.add(control, at + NEXT_COLUMN, 1) * task.colStep;
    if (col0 >= task.width) return false;
    const col1 = Math.min(task.width, col0 + task.colStep);
    kernel.blurColumns(task.pix, task.width, task.height, col0, col1, task.scratch, task.coef);
  }
  return true;
}

/** The helper's side of a pass: bands until none is left. */
export function runPass(kernel: KernelExports, control: Int32Array, task: PassTask): void {
  while (takeBand(kernel, control, task));
}

/** A second thread for the kernel: runs `runPass` on its own instance over the same memory. */
export interface BlurHelper {
  /** Resolves when the helper has no band of this pass left; rejects if the helper died. */
  run(module: WebAssembly.Module, memory: WebAssembly.Memory, task: PassTask): Promise<void>;
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
