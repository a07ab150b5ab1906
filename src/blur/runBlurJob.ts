import type { BlurJob } from './BlurEngine';
import { nextTask } from './nextTask';

export interface BlurProgressOptions {
  /** Checked between bands (about 1 MP each): abort stops the blur within milliseconds. */
  signal?: AbortSignal;
  /** Called after each band with the fraction done, 0 < fraction ≤ 1. */
  onProgress?: (fraction: number) => void;
  /**
   * Milliseconds of work after which the blur awaits a macrotask, so the event loop breathes
   * (the service worker must, and an abort from another event can only arrive that way).
   * Default 50; `Infinity` never yields.
   */
  yieldEvery?: number;
}

export async function runBlurJob(
  job: Pick<BlurJob, 'bands' | 'runBand'>,
  options: BlurProgressOptions = {},
): Promise<void> {
  const { signal, onProgress, yieldEvery = 50 } = options;
  let since = performance.now();
  for (let i = 0; i < job.bands; i++) {
    signal?.throwIfAborted();
    await job.runBand(i);
    onProgress?.((i + 1) / job.bands);
    if (performance.now() - since >= yieldEvery) {
      await nextTask();
      since = performance.now();
    }
  }
  signal?.throwIfAborted();
}
