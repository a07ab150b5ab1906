/**
 * A deterministic RGBA test image with what blurs get wrong: hard edges, noise, thin "text"
 * strokes, an alpha ramp, and fully transparent pixels hiding a loud colour (a blur that does not
 * premultiply bleeds that colour into its neighbours).
 */
export function makeTestImage(
  width: number,
  height: number,
  seed = 1,
): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(width * height * 4);
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const [r, g, b, a] = pixelAt(x / width, y / height, x, y, random);
      px[i] = r;
      px[i + 1] = g;
      px[i + 2] = b;
      px[i + 3] = a;
    }
  }
  return px;
}

function pixelAt(
  u: number,
  v: number,
  x: number,
  y: number,
  random: () => number,
): [number, number, number, number] {
  if (u > 0.75 && v < 0.3) return [255, 0, 255, 0]; // invisible magenta
  if (u > 0.75 && v < 0.6) return [30, 200, 90, Math.round(((v - 0.3) / 0.3) * 255)]; // alpha ramp
  if (u < 0.3 && v < 0.4) {
    const n = random() * 255; // noise
    return [n, 255 - n, (n * 7) % 256, 255];
  }
  if (v > 0.7 && isText(x, y)) return [10, 10, 10, 255];
  if (u > 0.4 && u < 0.6 && v > 0.2 && v < 0.6) return [240, 40, 20, 255]; // hard-edged block
  if (u > 0.3 && u < 0.5 && v > 0.5 && v < 0.65) return [40, 60, 230, 160]; // translucent block
  return [Math.round(u * 255), Math.round(v * 200), 120, 255]; // smooth gradient
}

// Five-by-seven glyphs of "BLUR", repeated: one-pixel strokes at scale 2 look like small text.
const GLYPHS = [
  '11110100011111010001111101',
  '10000100001000010000111111',
  '10001100011000110001011101',
  '11110100011111010010100011',
];

function isText(x: number, y: number): boolean {
  const gx = Math.floor(x / 2) % 24;
  const gy = Math.floor(y / 2) % 9;
  const glyph = GLYPHS[Math.floor(gx / 6) % 4];
  const cx = gx % 6;
  if (cx > 4 || gy > 4) return false;
  return glyph[gy * 5 + cx] === '1';
}

/**
 * The exact Gaussian: float64, a normalised kernel truncated at 5σ, edges clamped, on
 * premultiplied alpha. Returns premultiplied RGBA as float (0..255).
 */
export function exactGaussian(
  px: Uint8ClampedArray,
  width: number,
  height: number,
  sigma: number,
): Float64Array {
  const radius = Math.ceil(5 * sigma);
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((s, k) => s + k, 0);
  kernel.forEach((k, i) => (kernel[i] = k / total));
  const pre = new Float64Array(px.length);
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3] / 255;
    pre.set([px[i] * a, px[i + 1] * a, px[i + 2] * a, px[i + 3]], i);
  }
  const tmp = convolve(pre, width, height, kernel, radius, true);
  return convolve(tmp, width, height, kernel, radius, false);
}

function convolve(
  src: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  radius: number,
  horizontal: boolean,
): Float64Array {
  const out = new Float64Array(src.length);
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      for (let k = -radius; k <= radius; k++) {
        const sx = horizontal ? clamp(x + k, width) : x;
        const sy = horizontal ? y : clamp(y + k, height);
        const s = (sy * width + sx) * 4;
        const w = kernel[k + radius];
        out[o] += w * src[s];
        out[o + 1] += w * src[s + 1];
        out[o + 2] += w * src[s + 2];
        out[o + 3] += w * src[s + 3];
      }
    }
  }
  return out;
}

/** PSNR of straight RGBA8 `actual` against premultiplied float `expected`, in premultiplied space. */
export function psnrPremultiplied(actual: Uint8ClampedArray, expected: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 4) {
    const a = actual[i + 3];
    for (let c = 0; c < 3; c++) sum += ((actual[i + c] * a) / 255 - expected[i + c]) ** 2;
    sum += (a - expected[i + 3]) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (sum / actual.length));
}

/**
 * PSNR of straight RGBA8 `actual` against the exact result un-premultiplied, over pixels at least
 * `minAlpha` opaque (below that, colour is barely visible and 8-bit premultiplied storage — the
 * canvas's own format — cannot hold it exactly).
 */
export function psnrStraight(
  actual: Uint8ClampedArray,
  expected: Float64Array,
  minAlpha: number,
): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i += 4) {
    const a = expected[i + 3];
    if (a < minAlpha) continue;
    for (let c = 0; c < 3; c++) sum += (actual[i + c] - (expected[i + c] * 255) / a) ** 2;
    sum += (actual[i + 3] - a) ** 2;
    count += 4;
  }
  return 10 * Math.log10((255 * 255) / (sum / count));
}
