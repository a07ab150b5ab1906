import type { AppWorkerEnv } from './appWorkers';
import type { RawImage } from './rawImage';

/** Sigma for a level, proportional to the image's short side (same look at any size). */
function sigmaFor(level: 1 | 2 | 3, width: number, height: number): number {
  return (Math.min(width, height) / 1000) * [0, 4, 10, 20][level];
}

/**
 * Decodes, blurs and reads back pixels with OffscreenCanvas. Canvas `filter: blur()` fades
 * edges (pixels outside count as transparent), so the image is drawn over a border of its own
 * stretched edges first, which clamps them.
 */
async function blurWithCanvas(
  file: Blob,
  level: 1 | 2 | 3,
  signal: AbortSignal,
  onProgress: (p: number) => void,
): Promise<RawImage> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  signal.throwIfAborted();
  const { width, height } = bitmap;
  const sigma = sigmaFor(level, width, height);
  const pad = Math.ceil(sigma * 3);
  const padded = new OffscreenCanvas(width + 2 * pad, height + 2 * pad);
  const pctx = padded.getContext('2d');
  if (!pctx) throw new Error('2D canvas is not available.');
  pctx.drawImage(bitmap, 0, 0, width, 1, 0, 0, width + 2 * pad, pad);
  pctx.drawImage(bitmap, 0, height - 1, width, 1, 0, height + pad, width + 2 * pad, pad);
  pctx.drawImage(bitmap, 0, 0, 1, height, 0, pad, pad, height);
  pctx.drawImage(bitmap, width - 1, 0, 1, height, width + pad, pad, pad, height);
  pctx.drawImage(bitmap, pad, pad);
  bitmap.close();
  onProgress(0.3);
  const out = new OffscreenCanvas(width, height);
  const ctx = out.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas is not available.');
  ctx.filter = `blur(${sigma}px)`;
  ctx.drawImage(padded, -pad, -pad);
  onProgress(0.9);
  return { width, height, pixels: ctx.getImageData(0, 0, width, height).data };
}

async function encodeJpeg(image: RawImage, signal: AbortSignal): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available.');
  ctx.putImageData(
    new ImageData(image.pixels as Uint8ClampedArray<ArrayBuffer>, image.width, image.height),
    0,
    0,
  );
  signal.throwIfAborted();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

export function createBlurEnv(): Pick<AppWorkerEnv, 'blur' | 'encodeJpeg'> {
  return { blur: blurWithCanvas, encodeJpeg };
}
