import type { BlurEngine, BlurJob } from './BlurEngine';
import { separableBands } from './BlurEngine';
import { gaussianCoefficients } from './coefficients';

/**
 * The same recursive Gaussian as the WASM kernel, in plain JavaScript: the fallback where
 * WebAssembly SIMD is missing. One sequence at a time, float32 scratch.
 */
export const jsEngine: BlurEngine = {
  name: 'js',
  createJob(width, height, sigma): BlurJob {
    const pixels = new Uint8ClampedArray(width * height * 4);
    const coef = gaussianCoefficients(sigma);
    const scratch = new Float32Array(Math.max(width, height) * 4);
    const line = new Float32Array(Math.max(width, height) * 4);
    // Like the WASM kernel: premultiplied RGBA8 between the horizontal and the vertical pass.
    const filter = (start: number, count: number, step: number, horizontal: boolean) => {
      for (let i = 0; i < count; i++) {
        const p = start + i * step;
        for (let ch = 0; ch < 4; ch++) line[i * 4 + ch] = pixels[p + ch];
        if (horizontal) premultiply(line, i * 4);
      }
      recursiveGaussian(line, count, coef, scratch);
      for (let i = 0; i < count; i++) {
        if (horizontal) pixels.set(line.subarray(i * 4, i * 4 + 4), start + i * step);
        else writeStraight(pixels, start + i * step, line, i * 4);
      }
    };
    const passes = separableBands(
      width,
      height,
      (row0, row1) => {
        for (let r = row0; r < row1; r++) filter(r * width * 4, width, 4, true);
      },
      (col0, col1) => {
        for (let c = col0; c < col1; c++) filter(c * 4, height, width * 4, false);
      },
    );
    return { pixels, ...passes };
  },
};

function premultiply(line: Float32Array, at: number): void {
  const a = line[at + 3] / 255;
  line[at] *= a;
  line[at + 1] *= a;
  line[at + 2] *= a;
}

function writeStraight(out: Uint8ClampedArray, p: number, line: Float32Array, at: number): void {
  const a = line[at + 3];
  if (!(a >= 0.5)) {
    out[p] = out[p + 1] = out[p + 2] = out[p + 3] = 0;
    return;
  }
  const k = 255 / a;
  out[p] = line[at] * k; // Uint8ClampedArray rounds half to even and clamps.
  out[p + 1] = line[at + 1] * k;
  out[p + 2] = line[at + 2] * k;
  out[p + 3] = a;
}

/** Causal then anticausal pass over `count` RGBA pixels of `line`, in place. */
function recursiveGaussian(
  line: Float32Array,
  count: number,
  coef: Float32Array,
  w: Float32Array,
): void {
  const [b0, c1, c2, c3] = coef;
  for (let ch = 0; ch < 4; ch++) {
    const x0 = line[ch];
    let w1 = x0;
    let w2 = x0;
    let w3 = x0;
    for (let i = 0; i < count; i++) {
      const v = b0 * line[i * 4 + ch] + c1 * w1 + c2 * w2 + c3 * w3;
      w[i * 4 + ch] = v;
      w3 = w2;
      w2 = w1;
      w1 = v;
    }
    const u = line[(count - 1) * 4 + ch];
    const [y1, y2, y3] = [0, 1, 2].map(
      (row) =>
        u +
        coef[4 + row * 3] * (w1 - u) +
        coef[5 + row * 3] * (w2 - u) +
        coef[6 + row * 3] * (w3 - u),
    ) as [number, number, number];
    anticausal(line, count, ch, coef, w, y1, y2, y3);
  }
}

function anticausal(
  line: Float32Array,
  count: number,
  ch: number,
  coef: Float32Array,
  w: Float32Array,
  e: number,
  f: number,
  g: number,
): void {
  const [b0, c1, c2, c3] = coef;
  line[(count - 1) * 4 + ch] = e;
  for (let i = count - 2; i >= 0; i--) {
    const y = b0 * w[i * 4 + ch] + c1 * e + c2 * f + c3 * g;
    line[i * 4 + ch] = y;
    g = f;
    f = e;
    e = y;
  }
}
