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

/** Memory layout: [static data][coefficients][scratch: 4 lanes × max side × 16 B][pixels]. */
function layout(heapBase: number, width: number, height: number) {
  const align = (n: number) => Math.ceil(n / 64) * 64;
  const coef = align(heapBase);
  const scratch = align(coef + COEFFICIENT_COUNT * 4);
  const pixels = align(scratch + Math.max(width, height) * 64);
  const end = pixels + width * height * 4;
  return { coef, scratch, pixels, pages: Math.ceil(end / PAGE) };
}

/**
 * A WASM SIMD engine. Each job gets its own instance and memory sized to the image, so a 50 MP
 * blur does not leave 200 MB of WebAssembly memory behind (memory can grow but never shrink).
 */
export function createWasmEngine(variant: WasmVariant): BlurEngine | null {
  const module = wasmModule(variant);
  if (!module) return null;
  const name: EngineName = variant === 'simd' ? 'wasm-simd' : 'wasm-relaxed-simd';
  return { name, createJob: (width, height, sigma) => createJob(module, width, height, sigma) };
}

function createJob(
  module: WebAssembly.Module,
  width: number,
  height: number,
  sigma: number,
): BlurJob {
  // The heap base is a constant of the module; one page is enough to read it.
  const probe = instantiate(module, new WebAssembly.Memory({ initial: 1 }));
  const at = layout((probe.HEAP_BASE.value as number) >>> 0, width, height);
  if (at.pages > 65536) throw new RangeError('image too large for 32-bit WebAssembly memory');
  const memory = new WebAssembly.Memory({ initial: at.pages });
  const kernel = instantiate(module, memory);
  new Float32Array(memory.buffer, at.coef, COEFFICIENT_COUNT).set(gaussianCoefficients(sigma));
  const pixels = new Uint8ClampedArray(memory.buffer, at.pixels, width * height * 4);
  const passes = separableBands(
    width,
    height,
    (row0, row1) => kernel.blurRows(at.pixels, width, row0, row1, at.scratch, at.coef),
    (col0, col1) => kernel.blurColumns(at.pixels, width, height, col0, col1, at.scratch, at.coef),
  );
  return { pixels, ...passes };
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
