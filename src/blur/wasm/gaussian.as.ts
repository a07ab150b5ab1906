// @ts-nocheck -- AssemblyScript, compiled by asc (scripts/build-wasm.mjs), never by tsc.
//
// Recursive Gaussian (Young–van Vliet, 3 poles) with Triggs–Sdika boundaries for clamped edges.
// One f32x4 holds the four premultiplied channels of one pixel. Independent sequences (two rows
// in the horizontal pass, 16 adjacent columns in the vertical pass) run interleaved so the CPU
// overlaps their dependency chains. The coefficients come from JS (src/blur/coefficients.ts), laid
// out at `coef` as f32: b0, c1, c2, c3 (c = -a), then the 3×3 boundary matrix M row by row.
// The image stays RGBA8 between the passes, premultiplied (the horizontal pass reads straight
// pixels and leaves premultiplied ones; the vertical pass writes straight ones), so memory stays at
// one image plus scratch. Premultiplied 8-bit in between spares a division per pixel; only the
// colour of nearly transparent pixels loses precision, as it does in the canvas itself.

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

// The horizontal pass filters two rows at a time along x. Pixels are read four at a time (one
// 16-byte load widened in registers) and written four at a time; the two rows' dependency chains
// overlap in the CPU. (Four rows, one pixel per load, as before: 60 → 38 ms of CPU for 12 MP.)
class H {
  // b0 × the premultiplied pixel x (straight, 0..255): x · (b0·a/255, b0·a/255, b0·a/255, b0).
  @inline
  static premulB0(x: v128, k1: v128, k2: v128): v128 {
    return f32x4.mul(x, madd(f32x4.shuffle(x, x, 3, 3, 3, 3), k1, k2));
  }

  // One step of either recursion: bx + c1·s1 + c2·s2 + c3·s3.
  @inline
  static step(bx: v128, s1: v128, s2: v128, s3: v128, c1: v128, c2: v128, c3: v128): v128 {
    return madd(c1, s1, madd(c2, s2, madd(c3, s3, bx)));
  }

  @inline
  static pack(y0: v128, y1: v128, y2: v128, y3: v128): v128 {
    const half = f32x4.splat(0.5);
    const i0 = roundToInt(f32x4.add(y0, half));
    const i1 = roundToInt(f32x4.add(y1, half));
    const i2 = roundToInt(f32x4.add(y2, half));
    const i3 = roundToInt(f32x4.add(y3, half));
    return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(i0, i1), i16x8.narrow_i32x4_u(i2, i3));
  }

  // The same for values kept divided by `scale`: the product and the rounding offset in one
  // multiply-add.
  @inline
  static packScaled(y0: v128, y1: v128, y2: v128, y3: v128, scale: v128): v128 {
    const half = f32x4.splat(0.5);
    const i0 = roundToInt(madd(y0, scale, half));
    const i1 = roundToInt(madd(y1, scale, half));
    const i2 = roundToInt(madd(y2, scale, half));
    const i3 = roundToInt(madd(y3, scale, half));
    return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(i0, i1), i16x8.narrow_i32x4_u(i2, i3));
  }
}

// Rows at p0 and p1 (may be the same row), n pixels: straight RGBA8 in, premultiplied RGBA8 out.
// Scratch holds the causal output, 32 bytes a pixel (row 0, row 1).
function rowPair(p0: usize, p1: usize, n: i32, scratch: usize, coef: usize): void {
  const b0 = coefAt(coef, 0);
  const c1 = coefAt(coef, 1);
  const c2 = coefAt(coef, 2);
  const c3 = coefAt(coef, 3);
  const k1 = f32x4.mul(b0, f32x4(1.0 / 255, 1.0 / 255, 1.0 / 255, 0));
  const k2 = f32x4.mul(b0, f32x4(0, 0, 0, 1));
  // Causal states w[i-1], w[i-2], w[i-3]; a constant left extension is at steady state.
  let a0 = loadStraight(p0);
  let b0s = a0;
  let d0 = a0;
  let a1 = loadStraight(p1);
  let b1s = a1;
  let d1 = a1;
  const groups = n >> 2;
  let s = scratch;
  let off: usize = 0;
  for (let g = 0; g < groups; g++) {
    const v0 = v128.load(p0 + off);
    const lo0 = i16x8.extend_low_i8x16_u(v0);
    const hi0 = i16x8.extend_high_i8x16_u(v0);
    const v1 = v128.load(p1 + off);
    const lo1 = i16x8.extend_low_i8x16_u(v1);
    const hi1 = i16x8.extend_high_i8x16_u(v1);
    let x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo0)), k1, k2);
    const w01 = H.step(x, a0, b0s, d0, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo1)), k1, k2);
    const w11 = H.step(x, a1, b1s, d1, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo0)), k1, k2);
    const w02 = H.step(x, w01, a0, b0s, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo1)), k1, k2);
    const w12 = H.step(x, w11, a1, b1s, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi0)), k1, k2);
    const w03 = H.step(x, w02, w01, a0, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi1)), k1, k2);
    const w13 = H.step(x, w12, w11, a1, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi0)), k1, k2);
    const w04 = H.step(x, w03, w02, w01, c1, c2, c3);
    x = H.premulB0(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi1)), k1, k2);
    const w14 = H.step(x, w13, w12, w11, c1, c2, c3);
    v128.store(s, w01);
    v128.store(s, w11, 16);
    v128.store(s, w02, 32);
    v128.store(s, w12, 48);
    v128.store(s, w03, 64);
    v128.store(s, w13, 80);
    v128.store(s, w04, 96);
    v128.store(s, w14, 112);
    a0 = w04;
    b0s = w03;
    d0 = w02;
    a1 = w14;
    b1s = w13;
    d1 = w12;
    s += 128;
    off += 16;
  }
  for (let i = groups << 2; i < n; i++) {
    const w0 = H.step(
      H.premulB0(widen(v128.load32_zero(p0 + off)), k1, k2),
      a0,
      b0s,
      d0,
      c1,
      c2,
      c3,
    );
    const w1 = H.step(
      H.premulB0(widen(v128.load32_zero(p1 + off)), k1, k2),
      a1,
      b1s,
      d1,
      c1,
      c2,
      c3,
    );
    v128.store(s, w0);
    v128.store(s, w1, 16);
    d0 = b0s;
    b0s = a0;
    a0 = w0;
    d1 = b1s;
    b1s = a1;
    a1 = w1;
    s += 32;
    off += 4;
  }
  // Anticausal states y[i+1], y[i+2], y[i+3], seeded at the right edge: y[n-1] is e. They are
  // kept divided by b0 (y' = w + c1·y'[i+1] + …), which spares the multiplication of w by b0.
  off -= 4;
  s -= 32;
  const u0 = loadStraight(p0 + off);
  const u1 = loadStraight(p1 + off);
  const y0n = boundary(coef, 0, u0, a0, b0s, d0);
  const y1n = boundary(coef, 0, u1, a1, b1s, d1);
  storeRounded(p0 + off, y0n);
  storeRounded(p1 + off, y1n);
  const inv = f32x4.div(f32x4.splat(1), b0);
  let e0 = f32x4.mul(y0n, inv);
  let f0 = f32x4.mul(boundary(coef, 1, u0, a0, b0s, d0), inv);
  let g0 = f32x4.mul(boundary(coef, 2, u0, a0, b0s, d0), inv);
  let e1 = f32x4.mul(y1n, inv);
  let f1 = f32x4.mul(boundary(coef, 1, u1, a1, b1s, d1), inv);
  let g1 = f32x4.mul(boundary(coef, 2, u1, a1, b1s, d1), inv);
  // Single pixels down to a multiple of four, then groups of four.
  const lastGroups = (n - 1) >> 2;
  for (let i = n - 2; i >= lastGroups << 2; i--) {
    off -= 4;
    s -= 32;
    const y0 = H.step(v128.load(s), e0, f0, g0, c1, c2, c3);
    const y1 = H.step(v128.load(s, 16), e1, f1, g1, c1, c2, c3);
    storeRounded(p0 + off, f32x4.mul(y0, b0));
    storeRounded(p1 + off, f32x4.mul(y1, b0));
    g0 = f0;
    f0 = e0;
    e0 = y0;
    g1 = f1;
    f1 = e1;
    e1 = y1;
  }
  for (let g = lastGroups - 1; g >= 0; g--) {
    off -= 16;
    s -= 128;
    const y03 = H.step(v128.load(s, 96), e0, f0, g0, c1, c2, c3);
    const y13 = H.step(v128.load(s, 112), e1, f1, g1, c1, c2, c3);
    const y02 = H.step(v128.load(s, 64), y03, e0, f0, c1, c2, c3);
    const y12 = H.step(v128.load(s, 80), y13, e1, f1, c1, c2, c3);
    const y01 = H.step(v128.load(s, 32), y02, y03, e0, c1, c2, c3);
    const y11 = H.step(v128.load(s, 48), y12, y13, e1, c1, c2, c3);
    const y00 = H.step(v128.load(s), y01, y02, y03, c1, c2, c3);
    const y10 = H.step(v128.load(s, 16), y11, y12, y13, c1, c2, c3);
    v128.store(p0 + off, H.packScaled(y00, y01, y02, y03, b0));
    v128.store(p1 + off, H.packScaled(y10, y11, y12, y13, b0));
    e0 = y00;
    f0 = y01;
    g0 = y02;
    e1 = y10;
    f1 = y11;
    g1 = y12;
  }
}

// Rows row0..row1-1 of a straight RGBA8 image are blurred horizontally, in place, premultiplied.
// An odd last row is paired with itself: both halves write identical bytes.
// Scratch: width × 32 bytes.
export function blurRows(
  pix: usize,
  width: i32,
  row0: i32,
  row1: i32,
  scratch: usize,
  coef: usize,
): void {
  const stride = <usize>width * 4;
  for (let r = row0; r < row1; r += 2) {
    const p0 = pix + <usize>r * stride;
    rowPair(p0, r + 1 < row1 ? p0 + stride : p0, width, scratch, coef);
  }
}

// The vertical pass runs along rows: a strip of up to 16 adjacent columns (64 bytes of pixels a
// row) is filtered causally top to bottom, then anticausally bottom to top. Each row of the strip
// is one cache line and one page, where a column-at-a-time sweep would touch a page per pixel.
// Scratch holds the strip in f32, ROW bytes a row: three rows of left state (x[0], the steady
// state of a constant extension), the height rows, and two rows past the end. A full strip goes
// BLOCK rows at a time, each block once per pair of f32x4 (see `Strip`); a narrower one (the
// image's last) a row at a time, all its columns together (`columnStrip`).
const ROW: usize = 256; // STRIP_ROW_BYTES in wasmEngine.ts
const BLOCK: i32 = 32;

// Truncation of v (already offset by 0.5), for the saturating narrows that follow.
function roundToInt(v: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? i32x4.relaxed_trunc_f32x4_s(v) : i32x4.trunc_sat_f32x4_s(v);
}

// One row of a strip narrower than 16 columns: groups of four pixels, then single pixels.
function causalRow(p: usize, s: usize, count: i32, c1: v128, c2: v128, c3: v128): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    Groups.causal(p + <usize>k * 4, s + <usize>k * 16, c1, c2, c3);
  }
  for (; k < count; k++) {
    Groups.causalV(s + <usize>k * 16, loadPremultiplied(p + <usize>k * 4), c1, c2, c3);
  }
}

function anticausalRow<T>(
  p: usize,
  s: usize,
  count: i32,
  k0: v128,
  seen: v128,
  c1: v128,
  c2: v128,
  c3: v128,
): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    if (isInteger<T>()) Groups.anticausalPlain(p + <usize>k * 4, s + <usize>k * 16, k0, c1, c2, c3);
    else Groups.anticausal(p + <usize>k * 4, s + <usize>k * 16, k0, seen, c1, c2, c3);
  }
  for (; k < count; k++) {
    const y = f32x4.mul(Groups.anticausalV(s + <usize>k * 16, c1, c2, c3), k0);
    if (isInteger<T>()) storeRounded(p + <usize>k * 4, y);
    else storeStraight(p + <usize>k * 4, y);
  }
}

// The steps of the vertical pass on one pixel and on a group of four (16 bytes), for strips
// narrower than 16 columns (a full strip keeps its states in registers: `fullStrip`). The states
// are kept scaled: the causal ones divided by b0 (w' = x + c1·w'[r-1] + …), the anticausal ones by
// b0² (y' = w' + c1·y'[r+1] + …), which spares both multiplications by b0; k0 = b0² scales the
// result back as it is rounded (`fullStrip` keeps the same scaling). `@inline` is needed
// (Binaryen does not inline functions this large, and a call per group doubles the pass's time)
// and is written on static methods, where TypeScript tooling accepts a decorator.
class Groups {
  @inline
  static causalV(s: usize, x: v128, c1: v128, c2: v128, c3: v128): void {
    const w = madd(
      c1,
      v128.load(s - ROW),
      madd(c2, v128.load(s - 2 * ROW), madd(c3, v128.load(s - 3 * ROW), x)),
    );
    v128.store(s, w);
  }

  @inline
  static anticausalV(s: usize, c1: v128, c2: v128, c3: v128): v128 {
    const y = madd(
      c1,
      v128.load(s + ROW),
      madd(c2, v128.load(s + 2 * ROW), madd(c3, v128.load(s + 3 * ROW), v128.load(s))),
    );
    v128.store(s, y);
    return y;
  }

  @inline
  static causal(p: usize, s: usize, c1: v128, c2: v128, c3: v128): void {
    const v = v128.load(p);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    Groups.causalV(s, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), c1, c2, c3);
    Groups.causalV(s + 16, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), c1, c2, c3);
    Groups.causalV(s + 32, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), c1, c2, c3);
    Groups.causalV(s + 48, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), c1, c2, c3);
  }

  // Straight = premultiplied × 255 / alpha, and the scale cancels there: only the alpha lane
  // (multiplied by k0 = b0²) and the visibility threshold `seen` (alpha ≥ 0.5: y' ≥ 0.5 / b0²) see it.
  @inline
  static anticausal(p: usize, s: usize, k0: v128, seen: v128, c1: v128, c2: v128, c3: v128): void {
    const y0 = Groups.anticausalV(s, c1, c2, c3);
    const y1 = Groups.anticausalV(s + 16, c1, c2, c3);
    const y2 = Groups.anticausalV(s + 32, c1, c2, c3);
    const y3 = Groups.anticausalV(s + 48, c1, c2, c3);
    const a = f32x4.shuffle(
      f32x4.shuffle(y0, y1, 3, 7, 3, 7),
      f32x4.shuffle(y2, y3, 3, 7, 3, 7),
      0,
      1,
      4,
      5,
    );
    const half = f32x4.splat(0.5);
    const visible = f32x4.ge(a, seen);
    const inv = v128.and(f32x4.div(f32x4.splat(255), a), visible);
    const i0 = roundToInt(madd(y0, f32x4.shuffle(inv, k0, 0, 0, 0, 4), half));
    const i1 = roundToInt(madd(y1, f32x4.shuffle(inv, k0, 1, 1, 1, 4), half));
    const i2 = roundToInt(madd(y2, f32x4.shuffle(inv, k0, 2, 2, 2, 4), half));
    const i3 = roundToInt(madd(y3, f32x4.shuffle(inv, k0, 3, 3, 3, 4), half));
    v128.store(p, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(i0, i1), i16x8.narrow_i32x4_u(i2, i3)));
  }

  // The same for plain samples: no alpha to divide by.
  @inline
  static anticausalPlain(p: usize, s: usize, k0: v128, c1: v128, c2: v128, c3: v128): void {
    const y0 = Groups.anticausalV(s, c1, c2, c3);
    const y1 = Groups.anticausalV(s + 16, c1, c2, c3);
    const y2 = Groups.anticausalV(s + 32, c1, c2, c3);
    const y3 = Groups.anticausalV(s + 48, c1, c2, c3);
    v128.store(p, H.packScaled(y0, y1, y2, y3, k0));
  }
}

// Columns c0..c0+count-1 (count < 16: the image's last strip), all rows. T is a compile-time
// switch: f32 for premultiplied RGBA (written back straight), u8 for plain 8-bit samples (a plane,
// 4 columns per "pixel"), written back as they are.
function columnStrip<T>(
  pix: usize,
  count: i32,
  height: i32,
  stride: usize,
  scratch: usize,
  coef: usize,
): void {
  const b0 = coefAt(coef, 0);
  const c1 = coefAt(coef, 1);
  const c2 = coefAt(coef, 2);
  const c3 = coefAt(coef, 3);
  const k0 = f32x4.mul(b0, b0);
  const seen = f32x4.div(f32x4.splat(0.5), k0);
  const inv = f32x4.div(f32x4.splat(1), b0);
  const top = scratch + 3 * ROW; // row 0
  for (let k = 0; k < count; k++) {
    const x = f32x4.mul(loadPremultiplied(pix + <usize>k * 4), inv);
    const at = top + <usize>k * 16;
    v128.store(at - ROW, x);
    v128.store(at - 2 * ROW, x);
    v128.store(at - 3 * ROW, x);
  }
  let p = pix;
  let s = top;
  for (let r = 0; r < height; r++) {
    causalRow(p, s, count, c1, c2, c3);
    p += stride;
    s += ROW;
  }
  // Right (bottom) edge: y[N-1], y[N], y[N+1] from the last causal states (Triggs–Sdika).
  p -= stride;
  s -= ROW;
  const inv2 = f32x4.mul(inv, inv);
  for (let k = 0; k < count; k++) {
    const at = s + <usize>k * 16;
    const u = loadPremultiplied(p + <usize>k * 4);
    const w1 = f32x4.mul(v128.load(at), b0);
    const w2 = f32x4.mul(v128.load(at - ROW), b0);
    const w3 = f32x4.mul(v128.load(at - 2 * ROW), b0);
    const y = boundary(coef, 0, u, w1, w2, w3);
    v128.store(at, f32x4.mul(y, inv2));
    v128.store(at + ROW, f32x4.mul(boundary(coef, 1, u, w1, w2, w3), inv2));
    v128.store(at + 2 * ROW, f32x4.mul(boundary(coef, 2, u, w1, w2, w3), inv2));
    if (isInteger<T>()) storeRounded(p + <usize>k * 4, y);
    else storeStraight(p + <usize>k * 4, y);
  }
  for (let r = height - 2; r >= 0; r--) {
    p -= stride;
    s -= ROW;
    anticausalRow<T>(p, s, count, k0, seen, c1, c2, c3);
  }
}

// A full strip: 16 columns, all rows, in the same scratch layout (ROW bytes a row, three rows of
// left state above row 0), as four 16-byte groups of a row, each four f32x4:
//
// - RGBA (T = f32): each group is transposed to RRRR GGGG BBBB AAAA as it is loaded, so each
//   f32x4 holds one channel of four pixels. The recursions are the same lane by lane (same
//   operations, same bytes out), and the unpremultiply needs neither a gather of the four alphas
//   nor a broadcast of 255 / alpha per pixel (it took 22 shuffles a group).
// - A plane (T = u8): each f32x4 is four adjacent columns, as in `columnStrip`.
//
// Each pass goes BLOCK rows at a time, and within a block once per pair of f32x4 of each group
// (eight sweeps): a pair's six recursion states stay in registers (sixteen columns' worth, 48
// states, lived in scratch and were reloaded three times a pixel; four f32x4 at once spill in
// V8). A block's rows stay in L1 and its pages in the TLB across the eight sweeps.
function fullStrip<T>(pix: usize, height: i32, stride: usize, scratch: usize, coef: usize): void {
  const b0 = coefAt(coef, 0);
  const c1 = coefAt(coef, 1);
  const c2 = coefAt(coef, 2);
  const c3 = coefAt(coef, 3);
  const k0 = f32x4.mul(b0, b0);
  const seen = f32x4.div(f32x4.splat(0.5), k0);
  const inv = f32x4.div(f32x4.splat(1), b0);
  const top = scratch + 3 * ROW; // row 0
  // Constants for the loops as values V8 keeps in registers: a v128 constant is rebuilt at each use
  // inside a loop (the transpose's byte mask took five µops a row, two through a GPR).
  const zero = i32x4.splat(height >>> 31); // height ≥ 1, but Binaryen cannot know it
  const mask = v128.or(i8x16(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), zero);
  const half = v128.or(f32x4.splat(0.5), zero);
  const k255 = v128.or(f32x4.splat(255), zero);
  for (let g: usize = 0; g < 64; g += 16) {
    const t = Strip.group<T>(pix + g);
    for (let k: usize = 0; k < 4; k++) {
      const x = f32x4.mul(Strip.lane<T>(t, pix + g, <i32>k), inv);
      const at = top + g * 4 + k * 16;
      v128.store(at - ROW, x);
      v128.store(at - 2 * ROW, x);
      v128.store(at - 3 * ROW, x);
    }
  }
  for (let r0 = 0; r0 < height; r0 += BLOCK) {
    const n = min(BLOCK, height - r0);
    const p = pix + <usize>r0 * stride;
    const s = top + <usize>r0 * ROW;
    for (let g: usize = 0; g < 64; g += 16) {
      if (isInteger<T>()) {
        causalPlain(p + g, s + g * 4, n, stride, c1, c2, c3, mask);
        causalPlain(p + g + 8, s + g * 4 + 32, n, stride, c1, c2, c3, mask);
      } else {
        causalLow(p + g, s + g * 4, n, stride, c1, c2, c3, mask);
        causalHigh(p + g, s + g * 4 + 32, n, stride, c1, c2, c3, mask);
      }
    }
  }
  // Right (bottom) edge: y[N-1], y[N], y[N+1] from the last causal states (Triggs–Sdika).
  const last = pix + <usize>(height - 1) * stride;
  const end = top + <usize>(height - 1) * ROW;
  const inv2 = f32x4.mul(inv, inv);
  for (let g: usize = 0; g < 64; g += 16) {
    const t = Strip.group<T>(last + g);
    const at = end + g * 4;
    const y0 = Strip.edge(coef, Strip.lane<T>(t, last + g, 0), at, b0, inv2);
    const y1 = Strip.edge(coef, Strip.lane<T>(t, last + g, 1), at + 16, b0, inv2);
    const y2 = Strip.edge(coef, Strip.lane<T>(t, last + g, 2), at + 32, b0, inv2);
    const y3 = Strip.edge(coef, Strip.lane<T>(t, last + g, 3), at + 48, b0, inv2);
    if (isInteger<T>()) v128.store(last + g, H.pack(y0, y1, y2, y3));
    else Strip.storeEdge(last + g, y0, y1, y2, y3);
  }
  for (let hi = height - 1; hi > 0; hi -= BLOCK) {
    const n = min(BLOCK, hi);
    const s = top + <usize>(hi - 1) * ROW;
    for (let g: usize = 0; g < 256; g += 32) anticausalPair(s + g, n, c1, c2, c3);
    let p = pix + <usize>(hi - 1) * stride;
    let at = s;
    for (let r = 0; r < n; r++) {
      for (let g: usize = 0; g < 64; g += 16) {
        const y0 = v128.load(at + g * 4);
        const y1 = v128.load(at + g * 4, 16);
        const y2 = v128.load(at + g * 4, 32);
        const y3 = v128.load(at + g * 4, 48);
        if (isInteger<T>()) v128.store(p + g, H.packScaled(y0, y1, y2, y3, k0));
        else Strip.store(p + g, y0, y1, y2, y3, k0, seen, half, k255, mask);
      }
      p -= stride;
      at -= ROW;
    }
  }
}

// The causal sweeps of a pair of f32x4 down n rows (p: the group's pixels, s: the pair's scratch
// in row r0), their states in registers, loaded from the three scratch rows above (the left edge
// or the block above wrote them). Plain: 8 bytes, two "pixels" of four columns. RGBA: the
// group's R and G (low) or B and A (high) channels. Separate functions, so that V8 allocates
// registers for one small loop at a time.
function causalPlain(
  p: usize,
  s: usize,
  n: i32,
  stride: usize,
  c1: v128,
  c2: v128,
  c3: v128,
  mask: v128,
): void {
  Strip.causal(p, s, n, stride, c1, c2, c3, mask, 0);
}

function causalLow(
  p: usize,
  s: usize,
  n: i32,
  stride: usize,
  c1: v128,
  c2: v128,
  c3: v128,
  mask: v128,
): void {
  Strip.causal(p, s, n, stride, c1, c2, c3, mask, 1);
}

function causalHigh(
  p: usize,
  s: usize,
  n: i32,
  stride: usize,
  c1: v128,
  c2: v128,
  c3: v128,
  mask: v128,
): void {
  Strip.causal(p, s, n, stride, c1, c2, c3, mask, 2);
}

// The anticausal sweep of a pair of f32x4 up n rows (s: the pair in the block's lowest row), the
// states in registers, loaded from the three rows below (the edge or the block below wrote them);
// each result replaces the causal value in scratch.
function anticausalPair(s: usize, n: i32, c1: v128, c2: v128, c3: v128): void {
  let e0 = v128.load(s + ROW);
  let e1 = v128.load(s + ROW + 16);
  let f0 = v128.load(s + 2 * ROW);
  let f1 = v128.load(s + 2 * ROW + 16);
  let g0 = v128.load(s + 3 * ROW);
  let g1 = v128.load(s + 3 * ROW + 16);
  for (let r = 0; r < n; r++) {
    const y0 = madd(c1, e0, madd(c2, f0, madd(c3, g0, v128.load(s))));
    const y1 = madd(c1, e1, madd(c2, f1, madd(c3, g1, v128.load(s, 16))));
    v128.store(s, y0);
    v128.store(s, y1, 16);
    g0 = f0;
    g1 = f1;
    f0 = e0;
    f1 = e1;
    e0 = y0;
    e1 = y1;
    s -= ROW;
  }
}

class Strip {
  // kind 0: two plain "pixels" (8 bytes); 1: R and G of four RGBA pixels; 2: B and A.
  @inline
  static causal(
    p: usize,
    s: usize,
    n: i32,
    stride: usize,
    c1: v128,
    c2: v128,
    c3: v128,
    mask: v128,
    kind: i32,
  ): void {
    let a0 = v128.load(s - ROW);
    let a1 = v128.load(s - ROW + 16);
    let b0 = v128.load(s - 2 * ROW);
    let b1 = v128.load(s - 2 * ROW + 16);
    let d0 = v128.load(s - 3 * ROW);
    let d1 = v128.load(s - 3 * ROW + 16);
    for (let r = 0; r < n; r++) {
      let h: v128;
      if (kind == 0) h = i16x8.extend_low_i8x16_u(v128.load64_zero(p));
      else if (kind == 1) h = i16x8.extend_low_i8x16_u(Strip.transpose(v128.load(p), mask));
      else h = i16x8.extend_high_i8x16_u(Strip.transpose(v128.load(p), mask));
      const x0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(h));
      const x1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(h));
      const w0 = madd(c1, a0, madd(c2, b0, madd(c3, d0, x0)));
      const w1 = madd(c1, a1, madd(c2, b1, madd(c3, d1, x1)));
      v128.store(s, w0);
      v128.store(s, w1, 16);
      d0 = b0;
      d1 = b1;
      b0 = a0;
      b1 = a1;
      a0 = w0;
      a1 = w1;
      p += stride;
      s += ROW;
    }
  }

  // `transpose` with its mask in a register (relaxed SIMD: one pshufb); the constant shuffle
  // otherwise (a plain swizzle would add a fix-up of the indices).
  @inline
  static transpose(v: v128, mask: v128): v128 {
    return ASC_FEATURE_RELAXED_SIMD ? i8x16.relaxed_swizzle(v, mask) : transpose(v);
  }

  // A group's 16 bytes as its f32x4s are laid out: transposed for RGBA, as they are for a plane.
  @inline
  static group<T>(p: usize): v128 {
    return isInteger<T>() ? v128.load(p) : transpose(v128.load(p));
  }

  // f32x4 number k of a group (t from `group`, p its address).
  @inline
  static lane<T>(t: v128, p: usize, k: i32): v128 {
    if (isInteger<T>()) return loadPremultiplied(p + <usize>k * 4);
    const h = k < 2 ? i16x8.extend_low_i8x16_u(t) : i16x8.extend_high_i8x16_u(t);
    return f32x4.convert_i32x4_s(
      k & 1 ? i32x4.extend_high_i16x8_u(h) : i32x4.extend_low_i16x8_u(h),
    );
  }

  // One f32x4 of the bottom edge: y[N-1] returned; y[N-1], y[N], y[N+1] stored, scaled.
  @inline
  static edge(coef: usize, u: v128, at: usize, b0: v128, inv2: v128): v128 {
    const w1 = f32x4.mul(v128.load(at), b0);
    const w2 = f32x4.mul(v128.load(at - ROW), b0);
    const w3 = f32x4.mul(v128.load(at - 2 * ROW), b0);
    const y = boundary(coef, 0, u, w1, w2, w3);
    v128.store(at, f32x4.mul(y, inv2));
    v128.store(at + ROW, f32x4.mul(boundary(coef, 1, u, w1, w2, w3), inv2));
    v128.store(at + 2 * ROW, f32x4.mul(boundary(coef, 2, u, w1, w2, w3), inv2));
    return y;
  }

  // Planar premultiplied channels (scaled: k0 = b0² in alpha; 255 / alpha does not see it) →
  // four straight RGBA8 pixels at p; a pixel whose alpha is below `seen` becomes 0,0,0,0.
  @inline
  static store(
    p: usize,
    r: v128,
    g: v128,
    b: v128,
    a: v128,
    k0: v128,
    seen: v128,
    half: v128,
    k255: v128,
    mask: v128,
  ): void {
    const inv = v128.and(f32x4.div(k255, a), f32x4.ge(a, seen));
    const ir = roundToInt(madd(r, inv, half));
    const ig = roundToInt(madd(g, inv, half));
    const ib = roundToInt(madd(b, inv, half));
    const ia = roundToInt(madd(a, k0, half));
    const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(ir, ig), i16x8.narrow_i32x4_u(ib, ia));
    v128.store(p, Strip.transpose(bytes, mask));
  }

  // The bottom row (unscaled channels), rounded as storeStraight rounds a pixel.
  @inline
  static storeEdge(p: usize, r: v128, g: v128, b: v128, a: v128): void {
    const half = f32x4.splat(0.5);
    const visible = f32x4.ge(a, half);
    const inv = f32x4.div(f32x4.splat(255), a);
    const ir = roundToInt(f32x4.add(v128.and(f32x4.mul(r, inv), visible), half));
    const ig = roundToInt(f32x4.add(v128.and(f32x4.mul(g, inv), visible), half));
    const ib = roundToInt(f32x4.add(v128.and(f32x4.mul(b, inv), visible), half));
    const ia = roundToInt(f32x4.add(v128.and(a, visible), half));
    const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(ir, ig), i16x8.narrow_i32x4_u(ib, ia));
    v128.store(p, transpose(bytes));
  }
}

// Columns col0..col1-1 (after blurRows) are blurred vertically, in place, back to straight RGBA8.
// Scratch: (height + 6) × ROW bytes.
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
  for (let c = col0; c < col1; c += 16) {
    if (col1 - c >= 16) fullStrip<f32>(pix + <usize>c * 4, height, stride, scratch, coef);
    else columnStrip<f32>(pix + <usize>c * 4, col1 - c, height, stride, scratch, coef);
  }
}

// ---- 8-bit planes (the Y, U and V planes of a JPEG: one sample a pixel, no alpha) ----
//
// The vertical pass is the RGBA one with four adjacent columns in place of a pixel's channels
// (columns are independent there). The horizontal pass takes four rows at a time, one row per
// lane: a 4×4 block of bytes (four pixels of four rows) is loaded and transposed with one shuffle,
// so a lane follows its row's dependency chain.

// A 4×4 byte transpose: pixel-major ↔ row-major (and RGBA ↔ planar for four pixels).
function transpose(v: v128): v128 {
  return i8x16.shuffle(v, v, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
}

class P {
  // Pixels off..off+3 of rows p0..p3 as bytes, pixel-major: [x0: r0 r1 r2 r3][x1: …]…
  @inline
  static load4x4(p0: usize, p1: usize, p2: usize, p3: usize, off: usize): v128 {
    let v = v128.load32_zero(p0 + off);
    v = v128.load32_lane(p1 + off, v, 1);
    v = v128.load32_lane(p2 + off, v, 2);
    v = v128.load32_lane(p3 + off, v, 3);
    return transpose(v);
  }

  @inline
  static store4x4(p0: usize, p1: usize, p2: usize, p3: usize, off: usize, bytes: v128): void {
    const t = transpose(bytes);
    v128.store32_lane(p0 + off, t, 0);
    v128.store32_lane(p1 + off, t, 1);
    v128.store32_lane(p2 + off, t, 2);
    v128.store32_lane(p3 + off, t, 3);
  }

  // Pixel off of rows p0..p3 as f32 lanes.
  @inline
  static load1(p0: usize, p1: usize, p2: usize, p3: usize, off: usize): v128 {
    let v = i32x4.splat(<i32>load<u8>(p0 + off));
    v = i32x4.replace_lane(v, 1, <i32>load<u8>(p1 + off));
    v = i32x4.replace_lane(v, 2, <i32>load<u8>(p2 + off));
    v = i32x4.replace_lane(v, 3, <i32>load<u8>(p3 + off));
    return f32x4.convert_i32x4_s(v);
  }

  @inline
  static store1(p0: usize, p1: usize, p2: usize, p3: usize, off: usize, y: v128): void {
    const i = roundToInt(f32x4.add(y, f32x4.splat(0.5)));
    const s = i16x8.narrow_i32x4_u(i, i);
    const b = i8x16.narrow_i16x8_u(s, s);
    v128.store8_lane(p0 + off, b, 0);
    v128.store8_lane(p1 + off, b, 1);
    v128.store8_lane(p2 + off, b, 2);
    v128.store8_lane(p3 + off, b, 3);
  }
}

// Four rows of n samples (p0..p3 may repeat a row: its lanes then write identical bytes).
// Scratch: n × 16 bytes, the causal output.
function planeRows4(
  p0: usize,
  p1: usize,
  p2: usize,
  p3: usize,
  n: i32,
  scratch: usize,
  coef: usize,
): void {
  const b0 = coefAt(coef, 0);
  const c1 = coefAt(coef, 1);
  const c2 = coefAt(coef, 2);
  const c3 = coefAt(coef, 3);
  let a = P.load1(p0, p1, p2, p3, 0);
  let b = a;
  let d = a;
  const groups = n >> 2;
  let s = scratch;
  let off: usize = 0;
  for (let g = 0; g < groups; g++) {
    const v = P.load4x4(p0, p1, p2, p3, off);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    const x0 = f32x4.mul(b0, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)));
    const w1 = H.step(x0, a, b, d, c1, c2, c3);
    const x1 = f32x4.mul(b0, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)));
    const w2 = H.step(x1, w1, a, b, c1, c2, c3);
    const x2 = f32x4.mul(b0, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)));
    const w3 = H.step(x2, w2, w1, a, c1, c2, c3);
    const x3 = f32x4.mul(b0, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)));
    const w4 = H.step(x3, w3, w2, w1, c1, c2, c3);
    v128.store(s, w1);
    v128.store(s, w2, 16);
    v128.store(s, w3, 32);
    v128.store(s, w4, 48);
    a = w4;
    b = w3;
    d = w2;
    s += 64;
    off += 4;
  }
  for (let i = groups << 2; i < n; i++) {
    const w = H.step(f32x4.mul(b0, P.load1(p0, p1, p2, p3, off)), a, b, d, c1, c2, c3);
    v128.store(s, w);
    d = b;
    b = a;
    a = w;
    s += 16;
    off += 1;
  }
  off -= 1;
  s -= 16;
  const u = P.load1(p0, p1, p2, p3, off);
  let e = boundary(coef, 0, u, a, b, d);
  let f = boundary(coef, 1, u, a, b, d);
  let g = boundary(coef, 2, u, a, b, d);
  P.store1(p0, p1, p2, p3, off, e);
  const lastGroups = (n - 1) >> 2;
  for (let i = n - 2; i >= lastGroups << 2; i--) {
    off -= 1;
    s -= 16;
    const y = H.step(f32x4.mul(b0, v128.load(s)), e, f, g, c1, c2, c3);
    P.store1(p0, p1, p2, p3, off, y);
    g = f;
    f = e;
    e = y;
  }
  for (let k = lastGroups - 1; k >= 0; k--) {
    off -= 4;
    s -= 64;
    const y3 = H.step(f32x4.mul(b0, v128.load(s, 48)), e, f, g, c1, c2, c3);
    const y2 = H.step(f32x4.mul(b0, v128.load(s, 32)), y3, e, f, c1, c2, c3);
    const y1 = H.step(f32x4.mul(b0, v128.load(s, 16)), y2, y3, e, c1, c2, c3);
    const y0 = H.step(f32x4.mul(b0, v128.load(s)), y1, y2, y3, c1, c2, c3);
    P.store4x4(p0, p1, p2, p3, off, H.pack(y0, y1, y2, y3));
    e = y0;
    f = y1;
    g = y2;
  }
}

// Rows row0..row1-1 of a plane (`stride` bytes apart, `width` samples each), blurred
// horizontally in place. Scratch: width × 16 bytes.
export function blurPlaneRows(
  pix: usize,
  width: i32,
  stride: usize,
  row0: i32,
  row1: i32,
  scratch: usize,
  coef: usize,
): void {
  for (let r = row0; r < row1; r += 4) {
    const p0 = pix + <usize>r * stride;
    const p1 = r + 1 < row1 ? p0 + stride : p0;
    const p2 = r + 2 < row1 ? p0 + 2 * stride : p1;
    const p3 = r + 3 < row1 ? p0 + 3 * stride : p2;
    planeRows4(p0, p1, p2, p3, width, scratch, coef);
  }
}

// Columns 4·quad0..4·quad1-1 of a plane blurred vertically, in place (`stride` a multiple of 4;
// the padding columns are blurred too, and ignored). Scratch: (height + 6) × ROW bytes.
export function blurPlaneColumns(
  pix: usize,
  stride: usize,
  height: i32,
  quad0: i32,
  quad1: i32,
  scratch: usize,
  coef: usize,
): void {
  for (let c = quad0; c < quad1; c += 16) {
    if (quad1 - c >= 16) fullStrip<u8>(pix + <usize>c * 4, height, stride, scratch, coef);
    else columnStrip<u8>(pix + <usize>c * 4, quad1 - c, height, stride, scratch, coef);
  }
}

// ---- YUV (I420, I422, I444) → RGBA8 ----
//
// Full-range BT.601 (JFIF). Subsampled chroma sits centred between luma pixels and is upsampled as
// libjpeg's "fancy" upsampling does: 3/4 of the nearest chroma sample and 1/4 of the next one, in
// each subsampled direction (subX, subY: 1 where chroma has half the luma resolution). Rows
// row0..row1-1 are written from `out`, width × 4 bytes a row; the last group may write up to 28
// bytes past a row's end (the next row overwrites them; the caller leaves 32 bytes spare after
// the last). Scratch: 2 × (chroma width + 16) × 4 bytes.

// One chroma row, vertically interpolated, minus 128, as f32 at s + 4 (s holds a copy of the first
// value, and copies of the last follow the row, for the horizontal neighbours at the edges).
function chromaRow(near: usize, far: usize, cw: i32, s: usize): void {
  const k3 = f32x4.splat(0.75);
  const k1 = f32x4.splat(0.25);
  const bias = f32x4.splat(-128);
  for (let i = 0; i < cw; i += 4) {
    const n = widen(v128.load32_zero(near + <usize>i));
    const f = widen(v128.load32_zero(far + <usize>i));
    v128.store(s + 4 + <usize>i * 4, madd(n, k3, madd(f, k1, bias)));
  }
  const first = load<f32>(s + 4);
  const last = load<f32>(s + <usize>cw * 4);
  store<f32>(s, first);
  for (let i = cw + 1; i < cw + 13; i++) store<f32>(s + <usize>i * 4, last);
}

class C {
  // Chroma for luma pixels 2i..2i+7 from interpolated chroma at s (index i at s + 4 + 4i).
  @inline
  static upsample(s: usize, i: usize, lowHalf: bool): v128 {
    const at = s + 4 + i * 4;
    const c = f32x4.mul(v128.load(at), f32x4.splat(0.75));
    const even = madd(v128.load(at - 4), f32x4.splat(0.25), c);
    const odd = madd(v128.load(at + 4), f32x4.splat(0.25), c);
    return lowHalf ? f32x4.shuffle(even, odd, 0, 4, 1, 5) : f32x4.shuffle(even, odd, 2, 6, 3, 7);
  }

  // Four RGBA pixels from luma y and centred chroma u, v (f32), as 16 bytes.
  @inline
  static rgba(y: v128, u: v128, v: v128): v128 {
    const half = f32x4.splat(0.5);
    const yh = f32x4.add(y, half);
    const r = roundToInt(madd(v, f32x4.splat(1.402), yh));
    const g = roundToInt(
      madd(u, f32x4.splat(-0.344136286), madd(v, f32x4.splat(-0.714136286), yh)),
    );
    const b = roundToInt(madd(u, f32x4.splat(1.772), yh));
    const rg = i16x8.narrow_i32x4_u(r, g);
    const ba = i16x8.narrow_i32x4_u(b, i32x4.splat(255));
    return transpose(i8x16.narrow_i16x8_u(rg, ba));
  }
}

export function yuvToRgba(
  yp: usize,
  yStride: usize,
  up: usize,
  vp: usize,
  cStride: usize,
  width: i32,
  height: i32,
  subX: i32,
  subY: i32,
  row0: i32,
  row1: i32,
  out: usize,
  scratch: usize,
): void {
  const cw = subX ? (width + 1) >> 1 : width;
  const ch = subY ? (height + 1) >> 1 : height;
  const su = scratch;
  const sv = scratch + <usize>(cw + 16) * 4;
  for (let r = row0; r < row1; r++) {
    const j = subY ? r >> 1 : r;
    const jn = !subY ? j : r & 1 ? min(j + 1, ch - 1) : max(j - 1, 0);
    chromaRow(up + <usize>j * cStride, up + <usize>jn * cStride, cw, su);
    chromaRow(vp + <usize>j * cStride, vp + <usize>jn * cStride, cw, sv);
    const yr = yp + <usize>r * yStride;
    const o = out + <usize>(r - row0) * <usize>width * 4;
    if (!subX) {
      for (let x = 0; x < width; x += 4) {
        const y = widen(v128.load32_zero(yr + <usize>x));
        const at = <usize>(4 + x * 4);
        v128.store(o + <usize>x * 4, C.rgba(y, v128.load(su + at), v128.load(sv + at)));
      }
      continue;
    }
    for (let x = 0; x < width; x += 8) {
      const bytes = v128.load64_zero(yr + <usize>x);
      const w = i16x8.extend_low_i8x16_u(bytes);
      const y0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(w));
      const y1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(w));
      const i = <usize>(x >> 1);
      v128.store(o + <usize>x * 4, C.rgba(y0, C.upsample(su, i, true), C.upsample(sv, i, true)));
      v128.store(
        o + <usize>x * 4,
        C.rgba(y1, C.upsample(su, i, false), C.upsample(sv, i, false)),
        16,
      );
    }
  }
}
