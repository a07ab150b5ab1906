import { BlurError } from './BlurError';
import { context2d } from './blurOnCanvas';

export type EncodeType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface EncodeOptions {
  type?: EncodeType;
  /** 0..1 for JPEG and WebP; 0.85 by default, as the codelab saves. */
  quality?: number;
  /** False when the caller knows every pixel is opaque (spares a scan before JPEG). */
  hasAlpha?: boolean;
}

const TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];

/** Encodes straight RGBA8 pixels; for JPEG, transparent areas are laid on white, not black. */
export async function encodeImage(
  pixels: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
  options: EncodeOptions = {},
): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  context2d(canvas).putImageData(new ImageData(pixels, width, height), 0, 0);
  return encodeCanvas(canvas, { ...options, hasAlpha: options.hasAlpha ?? !isOpaque(pixels) });
}

export async function encodeCanvas(
  canvas: OffscreenCanvas,
  options: EncodeOptions = {},
): Promise<Blob> {
  const { type, quality } = checkEncodeOptions(options);
  const { hasAlpha = true } = options;
  if (type === 'image/jpeg' && hasAlpha) layOnWhite(canvas);
  const blob = await canvas.convertToBlob({ type, quality });
  // Browsers fall back to PNG for a type they cannot write (Safari and WebP).
  if (blob.type !== type) throw new BlurError('encode-failed', { type });
  return blob;
}

/** The type and quality with their defaults; `invalid-argument` for ones no encoder takes. */
export function checkEncodeOptions(options: EncodeOptions): { type: EncodeType; quality: number } {
  const { type = 'image/jpeg', quality = 0.85 } = options;
  if (!TYPES.includes(type)) throw new BlurError('invalid-argument', { reason: `type ${type}` });
  if (!(quality >= 0 && quality <= 1))
    throw new BlurError('invalid-argument', { reason: `quality ${quality}` });
  return { type, quality };
}

function layOnWhite(canvas: OffscreenCanvas): void {
  const ctx = context2d(canvas);
  ctx.globalCompositeOperation = 'destination-over';
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.globalCompositeOperation = 'source-over';
}

function isOpaque(pixels: Uint8ClampedArray): boolean {
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) return false;
  return true;
}

/**
 * Puts straight RGBA8 pixels on a canvas at (0, 0). `ImageData` refuses a shared buffer, so a
 * two-thread job's pixels go across in 4 MB bands through one reused `ImageData`
 * (`putImageData` copies synchronously), which leaves no garbage behind.
 */
export function putPixels(
  ctx: OffscreenCanvasRenderingContext2D,
  pixels: Uint8ClampedArray<ArrayBufferLike>,
  width: number,
  height: number,
): void {
  if (pixels.buffer instanceof ArrayBuffer) {
    ctx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
    return;
  }
  const band = Math.max(1, Math.min(height, Math.floor((4 << 20) / (width * 4))));
  const staging = new ImageData(width, band);
  for (let y = 0; y < height; y += band) {
    const rows = Math.min(band, height - y);
    staging.data.set(pixels.subarray(y * width * 4, (y + rows) * width * 4));
    // The last band may be shorter: only its rows are put (dirty rectangle).
    ctx.putImageData(staging, 0, y, 0, 0, width, rows);
  }
}
