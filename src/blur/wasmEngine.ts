import type { BlurEngine, BlurJob, EngineName } from './BlurEngine';
import { separableBands } from './BlurEngine';
import { COEFFICIENT_COUNT, gaussianCoefficients } from './coefficients';
import { gaussianWasmRelaxed, gaussianWasmSimd } from './wasm/gaussianWasm';

interface KernelExports {
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
}

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
  if (!modules.has(variant)) {
    const bytes = decodeBase64(sources[variant]);
    const ok = typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
    modules.set(variant, ok ? new WebAssembly.Module(bytes) : null);
  }
  return modules.get(variant) ?? null;
}

/**
 * Memory layout: [static data][coefficients][scratch][pixels]. Scratch serves the horizontal pass
 * (2 rows × width × 16 B) and the vertical one (a 16-column strip in f32: (height + 6) × 256 B).
 */
function layout(heapBase: number, width: number, height: number) {
  const align = (n: number) => Math.ceil(n / 64) * 64;
  const coef = align(heapBase);
  const scratch = align(coef + COEFFICIENT_COUNT * 4);
  const pixels = align(scratch + Math.max(width * 32, (height + 6) * 256));
  const end = pixels + width * height * 4;
  return { coef, scratch, pixels, pages: Math.ceil(end / PAGE) };
}

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
  return { name, createJob: (width, height, sigma) => createJob(module, width, height, sigma) };
}

function heapBase(module: WebAssembly.Module): number {
  let base = heapBases.get(module);
  if (base === undefined) {
    // The heap base is a constant of the module; one page is enough to read it.
    const probe = instantiate(module, new WebAssembly.Memory({ initial: 1 }));
    base = (probe.HEAP_BASE.value as number) >>> 0;
    heapBases.set(module, base);
  }
  return base;
}

/** The shared arena grown to `pages`, or null when it is busy or the job is too big for it. */
function takeArena(module: WebAssembly.Module, pages: number): Arena | null {
  if (pages * PAGE > REUSED_MEMORY_BYTES) return null;
  let arena = arenas.get(module);
  if (arena?.busy) return null;
  if (!arena) {
    const memory = new WebAssembly.Memory({ initial: pages });
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

function createJob(
  module: WebAssembly.Module,
  width: number,
  height: number,
  sigma: number,
): BlurJob {
  const at = layout(heapBase(module), width, height);
  if (at.pages > 65536) throw new RangeError('image too large for 32-bit WebAssembly memory');
  const arena = takeArena(module, at.pages);
  const memory = arena?.memory ?? new WebAssembly.Memory({ initial: at.pages });
  const kernel = arena?.kernel ?? instantiate(module, memory);
  new Float32Array(memory.buffer, at.coef, COEFFICIENT_COUNT).set(gaussianCoefficients(sigma));
  const pixels = new Uint8ClampedArray(memory.buffer, at.pixels, width * height * 4);
  const passes = separableBands(
    width,
    height,
    (row0, row1) => kernel.blurRows(at.pixels, width, row0, row1, at.scratch, at.coef),
    (col0, col1) => kernel.blurColumns(at.pixels, width, height, col0, col1, at.scratch, at.coef),
  );
  let disposed = false;
  const dispose = () => {
    if (arena && !disposed) giveBack(module, arena);
    disposed = true;
  };
  return { pixels, ...passes, dispose };
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
