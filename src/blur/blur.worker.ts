// The blur worker: the pipeline behind comlink. Started and stopped by createBlurPool, which
// terminates it to cancel, so nothing here needs a signal or needs to yield.
// Trusted Types are enforced here too: the default policy must exist before the helper worker
// for two-thread blurs is created.
import '../trustedTypes';
import { expose, releaseProxy, transfer } from 'comlink';
import type { Remote } from 'comlink';
import type { BlurBlobOptions, BlurBlobResult } from './blurBlob';
import { blurBlob } from './blurBlob';
import { enableBlurThreads } from './blurThreads';
import { gaussianBlur } from './gaussianBlur';

/** What crosses the thread boundary: no signal (the pool terminates instead), no callbacks. */
export type WorkerBlurBlobOptions = Omit<BlurBlobOptions, 'signal' | 'onProgress' | 'yieldEvery'>;
/** A comlink proxy of the caller's progress callback (released when the call ends). */
type Progress = (fraction: number) => void;

/**
 * Runs `run` with a report function that forwards to the caller's `progress`, and answers only
 * once the caller has handled every report: they travel on the proxy's own port, which is not
 * ordered with the call's answer, so without the wait the last reports could arrive after the
 * result (or be dropped with the proxy).
 */
async function withProgress<T>(
  progress: Progress | undefined,
  run: (report?: (f: number) => void) => Promise<T>,
): Promise<T> {
  const remote = progress as Remote<Progress> | undefined;
  let last: Promise<unknown> = Promise.resolve();
  const report =
    remote &&
    ((fraction: number) => {
      last = remote(fraction).catch(() => undefined); // a caller's throw is its own business
    });
  try {
    const result = await run(report);
    await last;
    return result;
  } finally {
    remote?.[releaseProxy]();
  }
}

// A second thread for the kernel where the app is cross-origin isolated (a nested worker, ended
// with this one when the pool terminates it); elsewhere nothing starts and blurs use one thread.
enableBlurThreads();

const api = {
  blurBlob(
    blob: Blob,
    options: WorkerBlurBlobOptions,
    progress?: Progress,
  ): Promise<BlurBlobResult> {
    return withProgress(progress, (onProgress) =>
      blurBlob(blob, { ...options, onProgress, yieldEvery: Infinity }),
    );
  },

  /** Receives the pixels transferred, blurs them in place and transfers them back. */
  gaussianBlur(
    pixels: Uint8ClampedArray<ArrayBuffer>,
    width: number,
    height: number,
    sigma: number,
    progress?: Progress,
  ): Promise<Uint8ClampedArray<ArrayBuffer>> {
    return withProgress(progress, async (onProgress) => {
      await gaussianBlur(pixels, width, height, sigma, { onProgress, yieldEvery: Infinity });
      return transfer(pixels, [pixels.buffer]);
    });
  },
};

export type BlurWorkerApi = typeof api;

expose(api);
