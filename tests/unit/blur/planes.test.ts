import { describe, expect, test } from 'vitest';
import { gaussianCoefficients } from '../../../src/blur/coefficients';
import type { KernelExports } from '../../../src/blur/threadBands';
import { acquireMemory, heapBase, STRIP_ROW_BYTES, wasmModule } from '../../../src/blur/wasmEngine';
import { exactGaussian, makeTestImage } from './testImage';

// The kernel's 8-bit plane passes and its I420 → RGBA conversion (the JPEG plane path,
// blurJpegPlanes.ts), on the plain SIMD build Node validates.
const module = wasmModule('simd');
const align16 = (n: number) => Math.ceil(n / 16) * 16;

function withKernel<T>(bytes: number, run: (k: KernelExports, mem: Uint8Array, base: number) => T) {
  if (!module) throw new Error('no WASM SIMD in this Node');
  const base = Math.ceil(heapBase(module) / 64) * 64;
  const memory = acquireMemory(module, Math.ceil((base + bytes) / 65536) + 1);
  try {
    return run(memory.kernel, new Uint8Array(memory.memory.buffer), base);
  } finally {
    memory.release();
  }
}

/** Blurs one plane (`stride` ≥ width, multiple of 16) with the kernel; returns it unpadded. */
function blurPlane(plane: Uint8Array, w: number, h: number, sigma: number): Uint8Array {
  const stride = align16(w);
  const scratchBytes = Math.max(w * 16, (h + 6) * STRIP_ROW_BYTES);
  return withKernel(64 + scratchBytes + stride * h, (k, mem, base) => {
    const coef = base;
    const scratch = base + 64;
    const pix = scratch + scratchBytes;
    new Float32Array(mem.buffer, coef, 13).set(gaussianCoefficients(sigma));
    mem.fill(99, pix, pix + stride * h); // padding must not leak into the image
    for (let y = 0; y < h; y++) mem.set(plane.subarray(y * w, (y + 1) * w), pix + y * stride);
    k.blurPlaneRows(pix, w, stride, 0, h, scratch, coef);
    k.blurPlaneColumns(pix, stride, h, 0, stride / 4, scratch, coef);
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      out.set(mem.subarray(pix + y * stride, pix + y * stride + w), y * w);
    return out;
  });
}

/** The green channel of the opaque test image, and the exact Gaussian of it. */
function greenPlane(w: number, h: number, sigma: number, seed = 1) {
  const rgba = makeTestImage(w, h, seed);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  const plane = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) plane[i] = rgba[i * 4 + 1];
  const exact = exactGaussian(rgba, w, h, sigma);
  return { plane, exact: Float64Array.from({ length: w * h }, (_, i) => exact[i * 4 + 1]) };
}

function psnr(actual: Uint8Array, expected: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i] - expected[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / actual.length));
}

describe.skipIf(!module)('plane passes', () => {
  test.each([1, 4, 8, 24])('are within 45 dB of the exact Gaussian at sigma %d', (sigma) => {
    const [w, h] = [321, 243]; // neither a multiple of 4 nor of 16
    const { plane, exact } = greenPlane(w, h, sigma);
    expect(psnr(blurPlane(plane, w, h, sigma), exact)).toBeGreaterThanOrEqual(45);
  });

  test.each([
    [1, 1],
    [2, 3],
    [7, 5],
    [5, 70],
    [70, 5],
    [201, 40], // three full strips of 16 groups of 4 columns, then 3 groups
  ])('handle a %dx%d plane', (w, h) => {
    const { plane, exact } = greenPlane(w, h, 2, 3);
    expect(psnr(blurPlane(plane, w, h, 2), exact)).toBeGreaterThanOrEqual(45);
  });

  test('keep a flat plane exactly flat, even when sigma exceeds its size', () => {
    const flat = new Uint8Array(37 * 11).fill(173);
    expect(blurPlane(flat, 37, 11, 60)).toEqual(flat);
  });
});

/**
 * The reference conversion: JFIF full-range BT.601, subsampled chroma upsampled 3/4 + 1/4
 * (libjpeg's "fancy" upsampling) in each subsampled direction.
 */
function referenceRgba(
  [y, u, v]: Uint8Array[],
  w: number,
  h: number,
  [subX, subY]: [number, number],
) {
  const cw = subX ? (w + 1) >> 1 : w;
  const ch = subY ? (h + 1) >> 1 : h;
  const at = (p: Uint8Array, cx: number, cy: number) =>
    p[Math.min(ch - 1, Math.max(0, cy)) * cw + Math.min(cw - 1, Math.max(0, cx))];
  const up = (p: Uint8Array, x: number, r: number) => {
    const [i, j] = [x >> subX, r >> subY];
    const di = subX ? (x & 1 ? 1 : -1) : 0;
    const dj = subY ? (r & 1 ? 1 : -1) : 0;
    const col = (ci: number) => 0.75 * at(p, ci, j) + 0.25 * at(p, ci, j + dj);
    return 0.75 * col(i) + 0.25 * col(i + di) - 128;
  };
  const out = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < h; r++) {
    for (let x = 0; x < w; x++) {
      const [Y, U, V] = [y[r * w + x], up(u, x, r), up(v, x, r)];
      const o = (r * w + x) * 4;
      out[o] = Math.round(Y + 1.402 * V);
      out[o + 1] = Math.round(Y - 0.344136286 * U - 0.714136286 * V);
      out[o + 2] = Math.round(Y + 1.772 * U);
      out[o + 3] = 255;
    }
  }
  return out;
}

const FORMATS: Record<string, [number, number]> = { I420: [1, 1], I422: [1, 0], I444: [0, 0] };

describe.skipIf(!module)('yuvToRgba', () => {
  test.each(
    Object.keys(FORMATS).flatMap((format) =>
      [
        [64, 32],
        [37, 11],
        [1, 1],
        [9, 2],
      ].map(([w, h]) => [format, w, h] as const),
    ),
  )('matches the reference conversion within 1 level, %s %dx%d', (format, w, h) => {
    const [subX, subY] = FORMATS[format];
    const [cw, ch] = [subX ? (w + 1) >> 1 : w, subY ? (h + 1) >> 1 : h];
    const [ys, cs] = [align16(w), align16(cw)];
    const noise = (n: number, seed: number) =>
      Uint8Array.from({ length: n }, (_, i) => (((i + seed) * 2654435761) >>> 24) & 255);
    const [y, u, v] = [noise(w * h, 1), noise(cw * ch, 2), noise(cw * ch, 3)];
    const expected = referenceRgba([y, u, v], w, h, [subX, subY]);
    const actual = withKernel(
      (cw + 16) * 8 + ys * h + 2 * cs * ch + w * h * 4 + 64,
      (k, mem, base) => {
        const scratch = base;
        const yp = scratch + (cw + 16) * 8;
        const up = yp + ys * h;
        const vp = up + cs * ch;
        const out = vp + cs * ch;
        for (let r = 0; r < h; r++) mem.set(y.subarray(r * w, (r + 1) * w), yp + r * ys);
        for (let r = 0; r < ch; r++) {
          mem.set(u.subarray(r * cw, (r + 1) * cw), up + r * cs);
          mem.set(v.subarray(r * cw, (r + 1) * cw), vp + r * cs);
        }
        // Two bands, as blurJpegPlanes converts them.
        const half = h >> 1;
        k.yuvToRgba(yp, ys, up, vp, cs, w, h, subX, subY, 0, half, out, scratch);
        k.yuvToRgba(yp, ys, up, vp, cs, w, h, subX, subY, half, h, out + half * w * 4, scratch);
        return mem.slice(out, out + w * h * 4);
      },
    );
    let worst = 0;
    for (let i = 0; i < expected.length; i++)
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    expect(worst).toBeLessThanOrEqual(1);
  });
});
