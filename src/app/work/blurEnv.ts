import { decodeImage, encodeImage, gaussianBlur, sigmaForLevel } from '../../blur';
import type { AppWorkerEnv } from './appWorkers';
import type { RawImage } from './rawImage';

/** Blurs decoded pixels: in a pool worker from the page's executor, inline in the service worker. */
export type PixelBlur = (
  signal: AbortSignal,
  pixels: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
  sigma: number,
  onProgress: (fraction: number) => void,
) => Promise<Uint8ClampedArray<ArrayBuffer>>;

/** The inline blur, for contexts that cannot start workers: it yields in bands. */
export const inlineBlur: PixelBlur = async (signal, pixels, width, height, sigma, onProgress) => {
  await gaussianBlur(pixels, width, height, sigma, { signal, onProgress });
  return pixels; // blurred in place
};

/**
 * Decode (header first, orientation applied) → Gaussian blur at the level's sigma → raw pixels
 * for the temporary file; save encodes them as JPEG at quality 0.85, as the codelab does.
 */
export function createBlurEnv(blurPixels: PixelBlur): Pick<AppWorkerEnv, 'blur' | 'encodeJpeg'> {
  return {
    async blur(file, level, signal, onProgress): Promise<RawImage> {
      const image = await decodeImage(file, { signal });
      onProgress(0.1);
      const sigma = sigmaForLevel(level, image.width, image.height);
      const pixels = await blurPixels(signal, image.pixels, image.width, image.height, sigma, (p) =>
        onProgress(0.1 + 0.9 * p),
      );
      return { width: image.width, height: image.height, pixels };
    },
    async encodeJpeg(image, signal): Promise<Blob> {
      signal.throwIfAborted();
      const pixels = image.pixels as Uint8ClampedArray<ArrayBuffer>;
      return encodeImage(pixels, image.width, image.height, { type: 'image/jpeg', quality: 0.85 });
    },
  };
}
