import type { BlurEngine, EngineName } from './BlurEngine';
import { BlurError } from './BlurError';
import { blurOnCanvas, context2d } from './blurOnCanvas';
import { chooseEngine, engineByName } from './chooseEngine';
import type { DecodeOptions } from './decodeImage';
import { bitmapCanvas, checkedHeader, decodeBitmapAfter, readPixels } from './decodeImage';
import { blurJpegPlanes, planesApply } from './blurJpegPlanes';
import type { EncodeType } from './encodeImage';
import { encodeCanvas, putPixels } from './encodeImage';
import { checkSigma } from './gaussianBlur';
import type { BlurProgressOptions } from './runBlurJob';
import { runBlurJob } from './runBlurJob';
import type { BlurLevel } from './sigmaForLevel';
import { sigmaForLevel } from './sigmaForLevel';

export interface BlurBlobOptions extends DecodeOptions, BlurProgressOptions {
  /** Standard deviation in pixels; or give `level` for one proportional to the image. */
  sigma?: number;
  level?: BlurLevel;
  type?: EncodeType;
  quality?: number;
  engine?: EngineName;
}

export interface BlurBlobResult {
  blob: Blob;
  width: number;
  height: number;
  sigma: number;
  engine: EngineName;
}

// Share of the progress bar per stage: decoding and encoding are single browser calls.
const DECODED = 0.1;
const BLURRED = 0.9;

/**
 * A file in, a blurred file out: decode (orientation applied) → Gaussian blur → encode. A JPEG
 * goes through its YUV planes where ImageDecoder exists (blurJpegPlanes.ts; a JPEG out is
 * encoded from the planes by jpegEncoder.ts, stored as decoded with its EXIF orientation),
 * anything else (and any JPEG that path declines) through a canvas as RGBA.
 */
export async function blurBlob(blob: Blob, options: BlurBlobOptions = {}): Promise<BlurBlobResult> {
  const header = await checkedHeader(blob, options);
  const engine = options.engine ? engineByName(options.engine) : await chooseEngine();
  // σ from the header's (oriented) size decides whether the plane path applies; the path itself
  // takes σ from the decoded size, as the RGBA path does.
  if (planesApply(header, engine, resolveSigma(options, header.width, header.height))) {
    const sigmaFor = (w: number, h: number) => resolveSigma(options, w, h);
    const planes = await blurJpegPlanes(blob, header, engine, sigmaFor, options);
    if (planes) {
      const { width, height } = planes;
      // A JPEG comes back encoded from the planes; anything else as a canvas.
      const out =
        planes.blob ?? (await encodeCanvas(planes.canvas, { ...options, hasAlpha: false }));
      options.onProgress?.(1);
      return { blob: out, width, height, sigma: sigmaFor(width, height), engine: engine.name };
    }
  }
  const { bitmap } = await decodeBitmapAfter(blob, header, options);
  const { width, height } = bitmap;
  try {
    const sigma = resolveSigma(options, width, height);
    options.onProgress?.(DECODED);
    const canvas = await blurToCanvas(engine, bitmap, sigma, options);
    options.signal?.throwIfAborted();
    const hasAlpha = header.type !== 'image/jpeg';
    const out = await encodeCanvas(canvas, {
      type: options.type,
      quality: options.quality,
      hasAlpha,
    });
    options.onProgress?.(1);
    return { blob: out, width, height, sigma, engine: engine.name };
  } finally {
    bitmap.close();
  }
}

function resolveSigma(options: BlurBlobOptions, width: number, height: number): number {
  if (options.sigma !== undefined) {
    checkSigma(options.sigma);
    return options.sigma;
  }
  if (options.level !== undefined) return sigmaForLevel(options.level, width, height);
  throw new BlurError('invalid-argument', { reason: 'give sigma or level' });
}

/**
 * The bitmap goes onto a canvas and is closed; its pixels are read in bands straight into the
 * kernel's memory and that canvas is emptied, so during the blur the image exists once (plus
 * read-back bands the GC has not collected yet); then it goes onto a fresh canvas for encoding.
 */
async function blurToCanvas(
  engine: BlurEngine,
  bitmap: ImageBitmap,
  sigma: number,
  options: BlurProgressOptions,
): Promise<OffscreenCanvas> {
  const { width, height } = bitmap;
  if (engine.name === 'canvas-filter') return blurOnCanvas(bitmap, width, height, sigma);
  const decoded = bitmapCanvas(bitmap);
  bitmap.close();
  if (sigma === 0) return decoded;
  // One thread here: a two-thread job's shared memory raised the pipeline's peak at 12 MP from
  // 2.9× to 3.7× the decoded image (bench, both runs), for ~40 ms of a ~500 ms pipeline.
  const job = engine.createJob(width, height, sigma, { threads: false });
  try {
    readPixels(decoded, job.pixels);
  } catch (e) {
    job.dispose?.();
    throw e;
  }
  decoded.width = decoded.height = 0; // frees its pixels now, not at the next GC
  const onProgress = (f: number) => options.onProgress?.(DECODED + (BLURRED - DECODED) * f);
  try {
    await runBlurJob(job, { ...options, onProgress });
    const canvas = new OffscreenCanvas(width, height);
    putPixels(context2d(canvas), job.pixels, width, height);
    return canvas;
  } finally {
    job.dispose?.();
  }
}
