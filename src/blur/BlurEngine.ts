/** Names of the ways this package can blur, fastest first where each exists. */
export type EngineName = 'wasm-relaxed-simd' | 'wasm-simd' | 'js' | 'canvas-filter';

/**
 * One blur of one image, cut into bands so the caller can report progress, check its signal
 * and yield between them. `pixels` is straight RGBA8 and is blurred in place.
 */
export interface BlurJob {
  /** Over a SharedArrayBuffer when the job runs on two threads (not accepted by `ImageData`). */
  readonly pixels: Uint8ClampedArray<ArrayBufferLike>;
  readonly bands: number;
  /** Bands `0..rowBands-1` are the horizontal pass (separable engines; for measurements). */
  readonly rowBands?: number;
  runBand(index: number): void | Promise<void>;
  /**
   * Fills `pixels` from `source` where the job does better than `pixels.set` at once: a
   * two-thread job copies during its first band, row unit by row unit, while the helper already
   * filters the rows copied so far. Either way the pixels are in place once the first band has
   * run.
   */
  copyIn?(source: Uint8ClampedArray): void;
  /**
   * Resolves once no other thread holds the job (a two-thread job's helper has answered). The
   * pixels are final after the last band already; awaiting this after the copy out lets a job
   * started right after this one find the helper free.
   */
  settled?(): Promise<void>;
  /**
   * Hands back what the job holds (a WASM engine reuses its memory for the next job). Call it
   * once `pixels` is no longer needed; a job never disposed only costs that reuse.
   */
  dispose?(): void;
}

export interface JobOptions {
  threads?: boolean;
}

export interface BlurEngine {
  readonly name: EngineName;
  /** `threads: false` keeps the job on this thread (by default a WASM engine may use two). */
  createJob(width: number, height: number, sigma: number, options?: JobOptions): BlurJob;
}

/**
 * Rows per band for the horizontal pass and columns per band for the vertical one: ~1 MP, in
 * multiples of 16 (the WASM kernel's column strip).
 */
export function bandSize(length: number, across: number): number {
  const target = Math.max(16, Math.round((1 << 20) / Math.max(1, across)));
  return Math.min(length, Math.ceil(target / 16) * 16);
}

/** The band sizes of the two passes (rows per row band, columns per column band) and their counts. */
export function bandSteps(width: number, height: number) {
  const rowStep = bandSize(height, width);
  const colStep = bandSize(width, height);
  return {
    rowStep,
    colStep,
    rowBands: Math.ceil(height / rowStep),
    colBands: Math.ceil(width / colStep),
  };
}

/**
 * Splits the separable passes into bands: first rows (horizontal), then columns (vertical).
 * Both passes are needed in order; each band is independent of the others in its pass.
 */
export function separableBands(
  width: number,
  height: number,
  rows: (row0: number, row1: number) => void,
  columns: (col0: number, col1: number) => void,
): { bands: number; rowBands: number; runBand(index: number): void } {
  const { rowStep, colStep, rowBands, colBands } = bandSteps(width, height);
  return {
    bands: rowBands + colBands,
    rowBands,
    runBand(index) {
      if (index < rowBands) {
        rows(index * rowStep, Math.min(height, (index + 1) * rowStep));
      } else {
        const c = index - rowBands;
        columns(c * colStep, Math.min(width, (c + 1) * colStep));
      }
    },
  };
}
