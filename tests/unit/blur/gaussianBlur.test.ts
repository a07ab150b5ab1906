import { describe, expect, test } from 'vitest';
import type { EngineName } from '../../../src/blur/BlurEngine';
import { BlurError } from '../../../src/blur/BlurError';
import { gaussianCoefficients } from '../../../src/blur/coefficients';
import { gaussianBlur } from '../../../src/blur/gaussianBlur';
import { wasmModule } from '../../../src/blur/wasmEngine';
import { exactGaussian, makeTestImage, psnrPremultiplied, psnrStraight } from './testImage';

// Node 20 validates plain SIMD; relaxed SIMD is tested in Chromium (tests/unit/blur/browser).
const engines: EngineName[] = ['js', ...(wasmModule('simd') ? (['wasm-simd'] as const) : [])];
const W = 320;
const H = 240;
const source = makeTestImage(W, H);

describe.each(engines)('gaussianBlur on %s', (engine) => {
  test.each([2, 8, 24])('is within 45 dB of the exact Gaussian at sigma %d', async (sigma) => {
    const exact = exactGaussian(source, W, H, sigma);
    const out = await gaussianBlur(source.slice(), W, H, sigma, { engine });
    expect(psnrPremultiplied(out, exact)).toBeGreaterThanOrEqual(45);
    expect(psnrStraight(out, exact, 16)).toBeGreaterThanOrEqual(45);
  });

  test('clamps edges: a flat image stays exactly flat, even when sigma exceeds its size', async () => {
    const flat = new Uint8ClampedArray(37 * 11 * 4);
    for (let i = 0; i < flat.length; i += 4) flat.set([200, 100, 50, 255], i);
    const out = await gaussianBlur(flat.slice(), 37, 11, 60, { engine });
    expect(out).toEqual(flat);
  });

  test('premultiplies: a hidden colour under alpha 0 does not bleed into its neighbours', async () => {
    const px = new Uint8ClampedArray(64 * 8 * 4);
    for (let x = 0; x < 64; x++) {
      for (let y = 0; y < 8; y++)
        px.set(x < 32 ? [255, 0, 255, 0] : [90, 90, 90, 255], (y * 64 + x) * 4);
    }
    const out = await gaussianBlur(px, 64, 8, 6, { engine });
    for (let x = 20; x < 64; x++) {
      const i = (4 * 64 + x) * 4;
      if (out[i + 3] < 64) continue;
      // Magenta bleeding would lift red and blue above green; 8-bit rounding moves each by ≤ 2.
      for (const c of [out[i], out[i + 1], out[i + 2]])
        expect(Math.abs(c - 90)).toBeLessThanOrEqual(2);
    }
    expect(out[(4 * 64 + 31) * 4 + 3]).toBeGreaterThan(60); // the alpha itself did spread
  });

  test.each([
    [1, 1],
    [2, 3],
    [7, 5],
    [5, 70],
    [51, 40], // three full 16-column strips, then 3 columns
    [100, 9], // six full strips, then 4 columns
  ])('handles a %dx%d image (rows and columns not multiples of four)', async (w, h) => {
    const px = makeTestImage(w, h, 7);
    const exact = exactGaussian(px, w, h, 2);
    const out = await gaussianBlur(px.slice(), w, h, 2, { engine });
    expect(psnrPremultiplied(out, exact)).toBeGreaterThanOrEqual(45);
  });
});

describe('gaussianBlur', () => {
  test('the WASM and JS engines agree to within one level', async () => {
    if (!engines.includes('wasm-simd')) return;
    const a = await gaussianBlur(source.slice(), W, H, 5, { engine: 'js' });
    const b = await gaussianBlur(source.slice(), W, H, 5, { engine: 'wasm-simd' });
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      if (b[i + 3 - (i % 4)] >= 16) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThanOrEqual(1);
  });

  test.each([0.8, 2, 12, 60])(
    'the filter at sigma %d has unit gain and variance sigma²',
    (sigma) => {
      const response = impulseResponse(gaussianCoefficients(sigma), Math.ceil(sigma * 30) + 50);
      const centre = (response.length - 1) / 2;
      const mass = response.reduce((s, v) => s + v, 0);
      const variance = response.reduce((s, v, x) => s + v * (x - centre) ** 2, 0) / mass;
      expect(mass).toBeCloseTo(1, 4);
      // float32 coefficients move the poles a little: σ is off by 0.5% at σ = 60, invisible.
      expect(Math.abs(Math.sqrt(variance) / sigma - 1)).toBeLessThan(0.01);
    },
  );

  test('the coefficients of the last few sigmas are kept, the same values as computed afresh', () => {
    const first = gaussianCoefficients(7.25);
    const values = Array.from(first);
    expect(gaussianCoefficients(7.25)).toBe(first);
    for (let s = 1; s <= 8; s++) gaussianCoefficients(100 + s); // pushes 7.25 out
    const again = gaussianCoefficients(7.25);
    expect(again).not.toBe(first);
    expect(Array.from(again)).toEqual(values);
  });

  test('reports progress in order up to 1', async () => {
    const seen: number[] = [];
    const big = makeTestImage(1100, 1000);
    await gaussianBlur(big, 1100, 1000, 4, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(1);
  });

  test('stops when aborted between bands and rejects with the reason', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const big = makeTestImage(1100, 1000);
    const run = gaussianBlur(big, 1100, 1000, 4, {
      signal: controller.signal,
      onProgress: (f) => {
        seen.push(f);
        controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(seen).toHaveLength(1);
  });

  test('rejects an already aborted signal before doing anything', async () => {
    const run = gaussianBlur(source.slice(), W, H, 4, { signal: AbortSignal.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('yields to the event loop between bands when asked', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const big = makeTestImage(1100, 1000);
    await gaussianBlur(big, 1100, 1000, 4, { engine: 'js', yieldEvery: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  test('sigma 0 leaves the image unchanged', async () => {
    const px = source.slice();
    expect(await gaussianBlur(px, W, H, 0)).toEqual(source);
  });

  test.each([
    [new Uint8ClampedArray(10), 2, 2, 1],
    [new Uint8ClampedArray(16), 2, 2, -1],
    [new Uint8ClampedArray(16), 2, 2, NaN],
    [new Uint8ClampedArray(0), 0, 0, 1],
  ])('refuses bad arguments with invalid-argument (%#)', async (px, w, h, sigma) => {
    await expect(gaussianBlur(px, w, h, sigma)).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(gaussianBlur(px, w, h, sigma)).rejects.toBeInstanceOf(BlurError);
  });
});

/** Causal then anticausal recursion in float64 on a centred unit impulse, zero outside. */
function impulseResponse(coef: Float32Array, half: number): Float64Array {
  const [b0, c1, c2, c3] = Array.from(coef);
  const n = 2 * half + 1;
  const w = new Float64Array(n + 3);
  for (let i = 0; i < n; i++) {
    const x = i === half ? 1 : 0;
    w[i + 3] = b0 * x + c1 * w[i + 2] + c2 * w[i + 1] + c3 * w[i];
  }
  const y = new Float64Array(n + 3);
  for (let i = n - 1; i >= 0; i--)
    y[i] = b0 * w[i + 3] + c1 * y[i + 1] + c2 * y[i + 2] + c3 * y[i + 3];
  return y.subarray(0, n);
}
