import type { EngineName } from './BlurEngine';
import { BlurError } from './BlurError';
import { chooseEngine, engineByName } from './chooseEngine';
import type { BlurProgressOptions } from './runBlurJob';
import { runBlurJob } from './runBlurJob';

export interface GaussianBlurOptions extends BlurProgressOptions {
  /** Forces an engine (tests, benchmarks); by default the fastest measured on this device. */
  engine?: EngineName;
}

/**
 * Blurs straight (non-premultiplied) RGBA8 `pixels` in place with a Gaussian of standard
 * deviation `sigma` pixels, edges clamped, alpha premultiplied while filtering; resolves with
 * `pixels`. Cost does not depend on sigma. Rejects with the signal's reason when aborted.
 */
export async function gaussianBlur(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  sigma: number,
  options: GaussianBlurOptions = {},
): Promise<Uint8ClampedArray> {
  checkImage(pixels.length, width, height);
  checkSigma(sigma);
  options.signal?.throwIfAborted();
  if (sigma === 0) return pixels;
  const engine = options.engine ? engineByName(options.engine) : await chooseEngine();
  const job = engine.createJob(width, height, sigma);
  try {
    if (job.copyIn) job.copyIn(pixels);
    else job.pixels.set(pixels);
    await runBlurJob(job, options);
    pixels.set(job.pixels);
    // A job started right after this one then finds the helper free (two threads).
    await job.settled?.();
  } finally {
    job.dispose?.();
  }
  return pixels;
}

export function checkImage(length: number, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new BlurError('invalid-argument', { reason: `size ${width}×${height}` });
  }
  if (length !== width * height * 4) {
    throw new BlurError('invalid-argument', {
      reason: `${length} bytes for ${width}×${height} RGBA (expected ${width * height * 4})`,
    });
  }
}

export function checkSigma(sigma: number): void {
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new BlurError('invalid-argument', { reason: `sigma ${sigma}` });
  }
}
