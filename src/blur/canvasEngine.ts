import type { BlurEngine } from './BlurEngine';
import { blurOnCanvas, context2d } from './blurOnCanvas';

/**
 * The browser's own blur (GPU-backed where the canvas is accelerated). One band: the filter
 * cannot be split, so progress jumps from 0 to 1 and abort is checked before and after.
 */
export const canvasEngine: BlurEngine = {
  name: 'canvas-filter',
  createJob(width, height, sigma) {
    const pixels = new Uint8ClampedArray(width * height * 4);
    return {
      pixels,
      bands: 1,
      runBand() {
        const source = new OffscreenCanvas(width, height);
        context2d(source).putImageData(new ImageData(pixels, width, height), 0, 0);
        const out = blurOnCanvas(source, width, height, sigma);
        const ctx = context2d(out, { willReadFrequently: true });
        pixels.set(ctx.getImageData(0, 0, width, height).data);
      },
    };
  },
};
