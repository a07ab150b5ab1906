import { context2d } from '../../../../src/blur/blurOnCanvas';
import type { ImageHeader } from '../../../../src/blur/readImageHeader';
import { readImageHeader } from '../../../../src/blur/readImageHeader';

/**
 * A photo-like JPEG made by Chromium's encoder: gradients, saturated blocks, thin text and, unless
 * `noise` is false, noise over its top quarter.
 */
export async function photoJpeg(
  width: number,
  height: number,
  quality = 0.95,
  { noise = true } = {},
): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context2d(canvas);
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#3a6ea5');
  g.addColorStop(1, '#f4d35e');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 60; i++) {
    ctx.fillStyle = `hsl(${(i * 37) % 360} 90% ${30 + (i % 40)}%)`;
    ctx.fillRect((i * 7919) % width, (i * 104729) % height, width / 12, height / 15);
  }
  ctx.fillStyle = '#111';
  ctx.font = `${Math.max(8, Math.round(height / 30))}px sans-serif`;
  for (let y = 10; y < height; y += height / 12) ctx.fillText('Blur-O-Matic 0123456789', 4, y);
  if (noise) {
    const data = ctx.getImageData(0, 0, width, Math.ceil(height / 4));
    for (let i = 0; i < data.data.length; i++) data.data[i] += ((i * 2654435761) >>> 27) - 16;
    ctx.putImageData(data, 0, 0);
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

export async function header(blob: Blob): Promise<ImageHeader> {
  const h = await readImageHeader(blob);
  if (typeof h === 'string') throw new Error(h);
  return h;
}

/** PSNR over R, G and B of two opaque RGBA images. */
export function psnrRgb(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4)
    for (let c = 0; c < 3; c++) sum += (a[i + c] - b[i + c]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / ((a.length / 4) * 3)));
}
