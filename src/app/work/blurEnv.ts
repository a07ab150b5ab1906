import { blurBlob, encodeImage } from '../../blur';
import type { AppWorkerEnv } from './appWorkers';

/** Decoded pixels blurred in a pool worker (the e2e build's pool test worker). */
export type PixelBlur = (
  signal: AbortSignal,
  pixels: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
  sigma: number,
  onProgress: (fraction: number) => void,
) => Promise<Uint8ClampedArray<ArrayBuffer>>;

/** A file blurred at a level and encoded as a JPEG: `blurBlob`, in a pool worker or inline. */
export type FileBlur = AppWorkerEnv['blur'];

/** What the blur step writes: a JPEG at quality 0.85, as the codelab saves. */
export const BLURRED_JPEG = { type: 'image/jpeg', quality: 0.85 } as const;

/**
 * The inline file blur, for the service worker: `blurBlob` yields in bands between its steps
 * (no ImageDecoder there, so a JPEG takes the RGBA path through a canvas).
 */
export const inlineFileBlur: FileBlur = (file, level, signal, onProgress) =>
  blurBlob(file, { level, ...BLURRED_JPEG, signal, onProgress });

/**
 * The blur step: decode (header first, orientation applied) → Gaussian blur at the level's σ →
 * JPEG, all in `blurBlob` (a JPEG through its YUV planes where ImageDecoder exists: no canvas,
 * ~0.7× the decoded size at peak). The save step then stores that file as it is.
 * `encodeJpeg` is for a temporary file of raw pixels that an earlier version's blur left for a
 * save still queued.
 */
export function createBlurEnv(blurFile: FileBlur): Pick<AppWorkerEnv, 'blur' | 'encodeJpeg'> {
  return {
    blur: blurFile,
    async encodeJpeg(image, signal): Promise<Blob> {
      signal.throwIfAborted();
      const pixels = image.pixels as Uint8ClampedArray<ArrayBuffer>;
      return encodeImage(pixels, image.width, image.height, BLURRED_JPEG);
    },
  };
}
