/**
 * Coefficients of a 3-pole recursive Gaussian (Young, van Vliet & Verbeek's pole design, the
 * poles scaled so the filter's variance is exactly σ²) plus Triggs & Sdika's boundary matrix for
 * a signal clamped at its right end. Computed in float64 once per σ; the kernels run in float32.
 * Layout: b0, c1, c2, c3 (w[n] = b0·x[n] + c1·w[n-1] + c2·w[n-2] + c3·w[n-3]), then M row-major.
 */
export const COEFFICIENT_COUNT = 13;

interface Complex {
  re: number;
  im: number;
}

// Poles designed for σ = 2 (Getreuer, "A Survey of Gaussian Convolution Algorithms", IPOL 2013).
const BASE_POLES: Complex[] = [
  { re: 1.4165, im: 1.00829 },
  { re: 1.4165, im: -1.00829 },
  { re: 1.86543, im: 0 },
];

function mul(a: Complex, b: Complex): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

function div(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}

/** d^(1/q): the pole of the filter stretched by q. */
function scalePole(d: Complex, q: number): Complex {
  const r = Math.pow(Math.hypot(d.re, d.im), 1 / q);
  const t = Math.atan2(d.im, d.re) / q;
  return { re: r * Math.cos(t), im: r * Math.sin(t) };
}

/** Variance of the causal + anticausal cascade: Σ 2d / (d − 1)². */
function variance(poles: Complex[]): number {
  let sum = 0;
  for (const d of poles) {
    const dm1 = { re: d.re - 1, im: d.im };
    sum += 2 * div(d, mul(dm1, dm1)).re;
  }
  return sum;
}

function polesFor(sigma: number): Complex[] {
  // The variance grows with q; bisection in log space is exact enough and takes microseconds.
  let lo = 1e-3;
  let hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const q = Math.sqrt(lo * hi);
    if (variance(BASE_POLES.map((d) => scalePole(d, q))) < sigma * sigma) lo = q;
    else hi = q;
  }
  return BASE_POLES.map((d) => scalePole(d, Math.sqrt(lo * hi)));
}

/** Expands Π(1 − z⁻¹/d) into 1 + a1 z⁻¹ + a2 z⁻² + a3 z⁻³. */
function denominator(poles: Complex[]): [number, number, number] {
  const p = poles.map((d) => div({ re: 1, im: 0 }, d));
  const [p1, p2, p3] = p as [Complex, Complex, Complex];
  const sum = p1.re + p2.re + p3.re;
  const pairs = mul(p1, p2).re + mul(p1, p3).re + mul(p2, p3).re;
  const product = mul(mul(p1, p2), p3).re;
  return [-sum, pairs, -product];
}

/**
 * M maps the causal filter's last states (w[N-1], w[N-2], w[N-3]) minus u to the anticausal
 * filter's first states (y[N-1], y[N], y[N+1]) minus u, for input continuing as u past the end.
 * Found by running both filters on each unit state until it has died away.
 */
function boundaryMatrix(b0: number, c: [number, number, number], poles: Complex[]): number[] {
  const slowest = Math.max(...poles.map((d) => 1 / Math.hypot(d.re, d.im)));
  const length = Math.ceil(Math.log(1e-12) / Math.log(slowest)) + 8;
  const m = new Array<number>(9).fill(0);
  for (let j = 0; j < 3; j++) {
    const w = new Float64Array(length + 3);
    w[2 - j] = 1; // w[0..2] hold w[N-3], w[N-2], w[N-1]
    for (let n = 3; n < w.length; n++) w[n] = c[0] * w[n - 1] + c[1] * w[n - 2] + c[2] * w[n - 3];
    const y = new Float64Array(w.length + 3);
    for (let n = w.length - 1; n >= 2; n--) {
      y[n] = b0 * w[n] + c[0] * y[n + 1] + c[1] * y[n + 2] + c[2] * y[n + 3];
    }
    for (let row = 0; row < 3; row++) m[row * 3 + j] = y[2 + row];
  }
  return m;
}

// The last few σ's blocks: computing one takes 0.3–2 ms in a page where it has not been
// optimised (the bisection makes 600 complex powers), and it came before every blur's first band.
const recent = new Map<number, Float32Array>();
const RECENT = 8;

/**
 * The float32 coefficient block the kernels read, for a Gaussian of standard deviation σ. The
 * array is shared between calls for one σ: read it, do not write it.
 */
export function gaussianCoefficients(sigma: number): Readonly<Float32Array> {
  let block = recent.get(sigma);
  if (!block) {
    block = computeCoefficients(sigma);
    if (recent.size >= RECENT) recent.delete(recent.keys().next().value as number);
    recent.set(sigma, block);
  }
  return block;
}

function computeCoefficients(sigma: number): Float32Array {
  const poles = polesFor(sigma);
  const [a1, a2, a3] = denominator(poles);
  // For large σ, b0 = 1 − Σc is tiny: derived from the float32-rounded c, the DC gain stays 1
  // (from the float64 values it would be off by 0.3% at σ = 60, and flat areas would drift).
  const c = [-a1, -a2, -a3].map(Math.fround) as [number, number, number];
  const b0 = Math.fround(1 - c[0] - c[1] - c[2]);
  return Float32Array.from([b0, ...c, ...boundaryMatrix(b0, c, poles)]);
}
