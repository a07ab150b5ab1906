import { BlurError } from './BlurError';
import { context2d } from './blurOnCanvas';
import type { ImageHeader } from './readImageHeader';
import { readImageHeader } from './readImageHeader';

/** Refused above this many pixels unless the caller says otherwise: 200 MB decoded, RGBA. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export interface DecodeOptions {
  maxPixels?: number;
  signal?: AbortSignal;
}

export interface DecodedBitmap {
  bitmap: ImageBitmap;
  header: ImageHeader;
}

export interface DecodedImage {
  /** Straight (non-premultiplied) sRGB RGBA8, EXIF orientation applied. */
  pixels: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  /** The file's MIME type as its bytes say (not as its name says). */
  type: string;
}

/**
 * Decodes a file to RGBA pixels. The header is read first: a file that is empty, not an image,
 * or larger than `maxPixels` is refused before anything is decoded.
 */
export async function decodeImage(blob: Blob, options: DecodeOptions = {}): Promise<DecodedImage> {
  const { bitmap, header } = await decodeBitmap(blob, options);
  try {
    const pixels = new Uint8ClampedArray(bitmap.width * bitmap.height * 4);
    readPixels(bitmapCanvas(bitmap), pixels);
    return { pixels, width: bitmap.width, height: bitmap.height, type: header.type };
  } finally {
    bitmap.close();
  }
}

/** The checked decode both `decodeImage` and the pipeline use; the caller closes the bitmap. */
export async function decodeBitmap(
  blob: Blob,
  options: DecodeOptions = {},
): Promise<DecodedBitmap> {
  return decodeBitmapAfter(blob, await checkedHeader(blob, options), options);
}

/** `decodeBitmap` once the header has been read and checked. */
export async function decodeBitmapAfter(
  blob: Blob,
  header: ImageHeader,
  options: DecodeOptions = {},
): Promise<DecodedBitmap> {
  const decoding = createImageBitmap(blob, { imageOrientation: 'from-image' }).catch(
    (e: unknown) => {
      throw new BlurError('corrupt-image', {
        type: header.type,
        reason: e instanceof Error ? e.message : '',
      });
    },
  );
  const bitmap = await raceAbort(decoding, options.signal, (late) => late.close());
  checkSize(bitmap.width, bitmap.height, options.maxPixels ?? DEFAULT_MAX_PIXELS, bitmap);
  return { bitmap, header };
}

/** The header, read first: an empty, unknown, corrupt or oversized file is refused here. */
export async function checkedHeader(blob: Blob, options: DecodeOptions): Promise<ImageHeader> {
  options.signal?.throwIfAborted();
  if (blob.size === 0) throw new BlurError('empty-file');
  const header = await readImageHeader(blob);
  options.signal?.throwIfAborted();
  if (header === 'unknown') throw new BlurError('not-an-image', { type: blob.type || undefined });
  if (header === 'corrupt') throw new BlurError('corrupt-image', { type: blob.type || undefined });
  checkSize(header.width, header.height, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  return header;
}

function checkSize(width: number, height: number, maxPixels: number, bitmap?: ImageBitmap): void {
  if (width * height <= maxPixels) return;
  bitmap?.close();
  throw new BlurError('too-large', { width, height, pixels: width * height, maxPixels });
}

/**
 * createImageBitmap cannot be cancelled: the caller stops waiting at once, and a bitmap that
 * arrives later is released by `discard`.
 */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  discard: (late: T) => void,
): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the caller's reason, as fetch does
      reject(signal.reason);
      work.then(discard, () => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A canvas holding the bitmap, ready for band-wise read-back. */
export function bitmapCanvas(bitmap: ImageBitmap): OffscreenCanvas {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  context2d(canvas, { willReadFrequently: true }).drawImage(bitmap, 0, 0);
  return canvas;
}

/**
 * Copies a canvas's pixels into `target` (straight RGBA8) a band of rows at a time, so no second
 * full-size copy of the image exists in JavaScript at once.
 */
export function readPixels(canvas: OffscreenCanvas, target: Uint8ClampedArray): void {
  const { width, height } = canvas;
  const ctx = context2d(canvas, { willReadFrequently: true });
  const band = Math.max(1, Math.floor((4 << 20) / (width * 4)));
  for (let y = 0; y < height; y += band) {
    const rows = Math.min(band, height - y);
    target.set(ctx.getImageData(0, y, width, rows).data, y * width * 4);
  }
}
