import type { Page } from '@playwright/test';

export interface ImageMetrics {
  type: string;
  width: number;
  height: number;
  /** Mean gradient magnitude of the luma, a sharpness measure: blurring lowers it. */
  meanGradient: number;
}

/** Fetches an image in the page (through its service worker) and measures it. */
export async function measureImage(page: Page, url: string): Promise<ImageMetrics> {
  return page.evaluate(async (src) => {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`${src} answered ${response.status}`);
    const blob = await response.blob();
    const bitmap = await createImageBitmap(blob);
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    const luma = new Float32Array(width * height);
    for (let i = 0; i < luma.length; i++) {
      luma[i] = 0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2];
    }
    let sum = 0;
    for (let y = 0; y < height - 1; y++) {
      for (let x = 0; x < width - 1; x++) {
        const i = y * width + x;
        sum += Math.hypot(luma[i + 1] - luma[i], luma[i + width] - luma[i]);
      }
    }
    return { type: blob.type, width, height, meanGradient: sum / ((width - 1) * (height - 1)) };
  }, url);
}
