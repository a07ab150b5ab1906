// @ts-nocheck -- AssemblyScript, compiled by asc (scripts/build-wasm.mjs), never by tsc.
//
// Recursive Gaussian (Young–van Vliet, 3 poles) with Triggs–Sdika boundaries for clamped edges.
// One f32x4 holds the four premultiplied channels of one pixel. Four independent sequences (rows
// in the horizontal pass, adjacent columns in the vertical pass) run interleaved so the CPU
// overlaps their dependency chains. The coefficients come from JS (src/blur/coefficients.ts), laid
// out at `coef` as f32: b0, c1, c2, c3 (c = -a), then the 3×3 boundary matrix M row by row.
// The image stays RGBA8 between the passes, so memory stays at one image plus a column of scratch.

export const HEAP_BASE: usize = __heap_base;

function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

function widen(bytes: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)));
}

// Straight RGBA8 → premultiplied f32 (alpha lane untouched).
function loadStraight(p: usize): v128 {
  const v = widen(v128.load32_zero(p));
  const a = f32x4.shuffle(v, v, 3, 3, 3, 3);
  const scale = madd(a, f32x4(1.0 / 255, 1.0 / 255, 1.0 / 255, 0), f32x4(0, 0, 0, 1));
  return f32x4.mul(v, scale);
}

function loadPremultiplied(p: usize): v128 {
  return widen(v128.load32_zero(p));
}

// Rounds to nearest; negative and NaN lanes become 0, lanes above 255 become 255.
function storeRounded(p: usize, v: v128): void {
  const r = f32x4.add(v, f32x4.splat(0.5));
  const i = ASC_FEATURE_RELAXED_SIMD ? i32x4.relaxed_trunc_f32x4_s(r) : i32x4.trunc_sat_f32x4_s(r);
  const s = i16x8.narrow_i32x4_u(i, i);
  v128.store32_lane(p, i8x16.narrow_i16x8_u(s, s), 0);
}

// Premultiplied f32 → straight RGBA8; a pixel whose alpha rounds to 0 becomes 0,0,0,0.
function storeStraight(p: usize, v: v128): void {
  const a = f32x4.shuffle(v, f32x4.splat(1), 3, 3, 3, 7);
  const straight = f32x4.mul(v, f32x4.div(f32x4(255, 255, 255, 1), a));
  const visible = f32x4.ge(f32x4.shuffle(v, v, 3, 3, 3, 3), f32x4.splat(0.5));
  storeRounded(p, v128.and(straight, visible));
}

// The horizontal pass (T = u8) reads straight pixels and leaves premultiplied ones; the vertical
// pass (T = f32) reads those and writes straight pixels. Premultiplied 8-bit in between keeps the
// image at 4 bytes a pixel and spares a division per pixel; only the colour of nearly transparent
// pixels loses precision, as it does in the canvas itself.
function loadPixel<T>(p: usize): v128 {
  if (isInteger<T>()) return loadStraight(p);
  return loadPremultiplied(p);
}

function storePixel<T>(p: usize, v: v128): void {
  if (isInteger<T>()) storeRounded(p, v);
  else storeStraight(p, v);
}

function coefAt(coef: usize, i: usize): v128 {
  return f32x4.splat(load<f32>(coef + i * 4));
}

// y[N-1+row] = u + M[row] · (w[N-1] - u, w[N-2] - u, w[N-3] - u): the exact anticausal state for
// a signal that continues as u = x[N-1] forever (Triggs & Sdika 2006).
function boundary(coef: usize, row: usize, u: v128, w1: v128, w2: v128, w3: v128): v128 {
  const base: usize = 4 + row * 3;
  const t = madd(coefAt(coef, base + 2), f32x4.sub(w3, u), u);
  return madd(
    coefAt(coef, base),
    f32x4.sub(w1, u),
    madd(coefAt(coef, base + 1), f32x4.sub(w2, u), t),
  );
}

// Filters four sequences of n pixels that start at p0..p3 and advance by `step` bytes, in place.
// Scratch holds the causal output: n × 4 pixels × 16 bytes.
function pass4<T>(
  p0: usize,
  p1: usize,
  p2: usize,
  p3: usize,
  n: i32,
  step: usize,
  scratch: usize,
  coef: usize,
): void {
  const b0 = coefAt(coef, 0);
  const c1 = coefAt(coef, 1);
  const c2 = coefAt(coef, 2);
  const c3 = coefAt(coef, 3);
  let x0 = loadPixel<T>(p0);
  let x1 = loadPixel<T>(p1);
  let x2 = loadPixel<T>(p2);
  let x3 = loadPixel<T>(p3);
  // Causal states w[n-1], w[n-2], w[n-3] per sequence; a constant left extension is steady state.
  let a0 = x0,
    b0s = x0,
    d0 = x0;
  let a1 = x1,
    b1s = x1,
    d1 = x1;
  let a2 = x2,
    b2s = x2,
    d2 = x2;
  let a3 = x3,
    b3s = x3,
    d3 = x3;
  let s = scratch;
  let off: usize = 0;
  for (let i = 0; i < n; i++) {
    x0 = loadPixel<T>(p0 + off);
    x1 = loadPixel<T>(p1 + off);
    x2 = loadPixel<T>(p2 + off);
    x3 = loadPixel<T>(p3 + off);
    const w0 = madd(c1, a0, madd(c2, b0s, madd(c3, d0, f32x4.mul(b0, x0))));
    const w1 = madd(c1, a1, madd(c2, b1s, madd(c3, d1, f32x4.mul(b0, x1))));
    const w2 = madd(c1, a2, madd(c2, b2s, madd(c3, d2, f32x4.mul(b0, x2))));
    const w3 = madd(c1, a3, madd(c2, b3s, madd(c3, d3, f32x4.mul(b0, x3))));
    v128.store(s, w0);
    v128.store(s, w1, 16);
    v128.store(s, w2, 32);
    v128.store(s, w3, 48);
    d0 = b0s;
    b0s = a0;
    a0 = w0;
    d1 = b1s;
    b1s = a1;
    a1 = w1;
    d2 = b2s;
    b2s = a2;
    a2 = w2;
    d3 = b3s;
    b3s = a3;
    a3 = w3;
    s += 64;
    off += step;
  }
  // Anticausal states y[n+1], y[n+2], y[n+3], seeded at the right edge.
  let e0 = boundary(coef, 0, x0, a0, b0s, d0),
    f0 = boundary(coef, 1, x0, a0, b0s, d0),
    g0 = boundary(coef, 2, x0, a0, b0s, d0);
  let e1 = boundary(coef, 0, x1, a1, b1s, d1),
    f1 = boundary(coef, 1, x1, a1, b1s, d1),
    g1 = boundary(coef, 2, x1, a1, b1s, d1);
  let e2 = boundary(coef, 0, x2, a2, b2s, d2),
    f2 = boundary(coef, 1, x2, a2, b2s, d2),
    g2 = boundary(coef, 2, x2, a2, b2s, d2);
  let e3 = boundary(coef, 0, x3, a3, b3s, d3),
    f3 = boundary(coef, 1, x3, a3, b3s, d3),
    g3 = boundary(coef, 2, x3, a3, b3s, d3);
  off -= step;
  storePixel<T>(p0 + off, e0);
  storePixel<T>(p1 + off, e1);
  storePixel<T>(p2 + off, e2);
  storePixel<T>(p3 + off, e3);
  s -= 64;
  for (let i = n - 2; i >= 0; i--) {
    s -= 64;
    off -= step;
    const y0 = madd(c1, e0, madd(c2, f0, madd(c3, g0, f32x4.mul(b0, v128.load(s)))));
    const y1 = madd(c1, e1, madd(c2, f1, madd(c3, g1, f32x4.mul(b0, v128.load(s, 16)))));
    const y2 = madd(c1, e2, madd(c2, f2, madd(c3, g2, f32x4.mul(b0, v128.load(s, 32)))));
    const y3 = madd(c1, e3, madd(c2, f3, madd(c3, g3, f32x4.mul(b0, v128.load(s, 48)))));
    storePixel<T>(p0 + off, y0);
    storePixel<T>(p1 + off, y1);
    storePixel<T>(p2 + off, y2);
    storePixel<T>(p3 + off, y3);
    g0 = f0;
    f0 = e0;
    e0 = y0;
    g1 = f1;
    f1 = e1;
    e1 = y1;
    g2 = f2;
    f2 = e2;
    e2 = y2;
    g3 = f3;
    f3 = e3;
    e3 = y3;
  }
}

// Rows row0..row1-1 of a straight RGBA8 image are blurred horizontally, in place, premultiplied.
// A group with fewer than four rows repeats its first row: duplicates write identical bytes.
export function blurRows(
  pix: usize,
  width: i32,
  row0: i32,
  row1: i32,
  scratch: usize,
  coef: usize,
): void {
  const stride = <usize>width * 4;
  for (let r = row0; r < row1; r += 4) {
    const p0 = pix + <usize>r * stride;
    const p1 = r + 1 < row1 ? p0 + stride : p0;
    const p2 = r + 2 < row1 ? p0 + 2 * stride : p0;
    const p3 = r + 3 < row1 ? p0 + 3 * stride : p0;
    pass4<u8>(p0, p1, p2, p3, width, 4, scratch, coef);
  }
}

// Columns col0..col1-1 (after blurRows) are blurred vertically, in place, back to straight RGBA8.
// Four adjacent columns share cache lines, so each strip reads the image once.
export function blurColumns(
  pix: usize,
  width: i32,
  height: i32,
  col0: i32,
  col1: i32,
  scratch: usize,
  coef: usize,
): void {
  const stride = <usize>width * 4;
  for (let c = col0; c < col1; c += 4) {
    const p0 = pix + <usize>c * 4;
    const p1 = c + 1 < col1 ? p0 + 4 : p0;
    const p2 = c + 2 < col1 ? p0 + 8 : p0;
    const p3 = c + 3 < col1 ? p0 + 12 : p0;
    pass4<f32>(p0, p1, p2, p3, height, stride, scratch, coef);
  }
}
