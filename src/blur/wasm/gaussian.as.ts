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
  // Anticausal states y[i+1], y[i+2], y[i+3], seeded at the right edge: y[n-1] is e.
  off -= 4;
  s -= 32;
  const u0 = loadStraight(p0 + off);
  const u1 = loadStraight(p1 + off);
  let e0 = boundary(coef, 0, u0, a0, b0s, d0);
  let f0 = boundary(coef, 1, u0, a0, b0s, d0);
  let g0 = boundary(coef, 2, u0, a0, b0s, d0);
  let e1 = boundary(coef, 0, u1, a1, b1s, d1);
  let f1 = boundary(coef, 1, u1, a1, b1s, d1);
  let g1 = boundary(coef, 2, u1, a1, b1s, d1);
  storeRounded(p0 + off, e0);
  storeRounded(p1 + off, e1);
  // Single pixels down to a multiple of four, then groups of four.
  const lastGroups = (n - 1) >> 2;
  for (let i = n - 2; i >= lastGroups << 2; i--) {
    off -= 4;
    s -= 32;
    const y0 = H.step(f32x4.mul(b0, v128.load(s)), e0, f0, g0, c1, c2, c3);
    const y1 = H.step(f32x4.mul(b0, v128.load(s, 16)), e1, f1, g1, c1, c2, c3);
    storeRounded(p0 + off, y0);
    storeRounded(p1 + off, y1);
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
    const y03 = H.step(f32x4.mul(b0, v128.load(s, 96)), e0, f0, g0, c1, c2, c3);
    const y13 = H.step(f32x4.mul(b0, v128.load(s, 112)), e1, f1, g1, c1, c2, c3);
    const y02 = H.step(f32x4.mul(b0, v128.load(s, 64)), y03, e0, f0, c1, c2, c3);
    const y12 = H.step(f32x4.mul(b0, v128.load(s, 80)), y13, e1, f1, c1, c2, c3);
    const y01 = H.step(f32x4.mul(b0, v128.load(s, 32)), y02, y03, e0, c1, c2, c3);
    const y11 = H.step(f32x4.mul(b0, v128.load(s, 48)), y12, y13, e1, c1, c2, c3);
    const y00 = H.step(f32x4.mul(b0, v128.load(s)), y01, y02, y03, c1, c2, c3);
    const y10 = H.step(f32x4.mul(b0, v128.load(s, 16)), y11, y12, y13, c1, c2, c3);
    v128.store(p0 + off, H.pack(y00, y01, y02, y03));
    v128.store(p1 + off, H.pack(y10, y11, y12, y13));
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
// row) is filtered causally top to bottom, then anticausally bottom to top, one row at a time.
// Each row of the strip is one cache line and one page, where a column-at-a-time sweep would
// touch a page per pixel; and the 16 columns of a row are independent, so nothing waits on a
// dependency chain. Scratch holds the strip in f32, ROW bytes a row: three rows of left state
// (x[0], the steady state of a constant extension), the height rows, and two rows past the end.
const ROW: usize = 256;
const AHEAD: usize = 16;

// Truncation of v (already offset by 0.5), for the saturating narrows that follow.
function roundToInt(v: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? i32x4.relaxed_trunc_f32x4_s(v) : i32x4.trunc_sat_f32x4_s(v);
}

// One row of a strip narrower than 16 columns: groups of four pixels, then single pixels.
function causalRow(p: usize, s: usize, count: i32, b0: v128, c1: v128, c2: v128, c3: v128): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    Groups.causal(p + <usize>k * 4, s + <usize>k * 16, b0, c1, c2, c3);
  }
  for (; k < count; k++) {
    Groups.causalV(s + <usize>k * 16, loadPremultiplied(p + <usize>k * 4), b0, c1, c2, c3);
  }
}

function anticausalRow(
  p: usize,
  s: usize,
  count: i32,
  b0: v128,
  c1: v128,
  c2: v128,
  c3: v128,
): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    Groups.anticausal(p + <usize>k * 4, s + <usize>k * 16, b0, c1, c2, c3);
  }
  for (; k < count; k++) {
    storeStraight(p + <usize>k * 4, Groups.anticausalV(s + <usize>k * 16, b0, c1, c2, c3));
  }
}

// The steps of the vertical pass on one pixel and on a group of four (16 bytes). `@inline` is
// needed (Binaryen does not inline functions this large, and a call per group doubles the
// pass's time) and is written on static methods, where TypeScript tooling accepts a decorator.
// The full strip's four groups are written out with constant offsets: a loop over them is
// twice as slow in V8.
class Groups {
  @inline
  static causalV(s: usize, x: v128, b0: v128, c1: v128, c2: v128, c3: v128): void {
    const w = madd(
      c1,
      v128.load(s - ROW),
      madd(c2, v128.load(s - 2 * ROW), madd(c3, v128.load(s - 3 * ROW), f32x4.mul(b0, x))),
    );
    v128.store(s, w);
  }

  @inline
  static anticausalV(s: usize, b0: v128, c1: v128, c2: v128, c3: v128): v128 {
    const y = madd(
      c1,
      v128.load(s + ROW),
      madd(
        c2,
        v128.load(s + 2 * ROW),
        madd(c3, v128.load(s + 3 * ROW), f32x4.mul(b0, v128.load(s))),
      ),
    );
    v128.store(s, y);
    return y;
  }

  @inline
  static causal(p: usize, s: usize, b0: v128, c1: v128, c2: v128, c3: v128): void {
    const v = v128.load(p);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    Groups.causalV(s, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), b0, c1, c2, c3);
    Groups.causalV(s + 16, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), b0, c1, c2, c3);
    Groups.causalV(s + 32, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), b0, c1, c2, c3);
    Groups.causalV(s + 48, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), b0, c1, c2, c3);
  }

  @inline
  static anticausal(p: usize, s: usize, b0: v128, c1: v128, c2: v128, c3: v128): void {
    const y0 = Groups.anticausalV(s, b0, c1, c2, c3);
    const y1 = Groups.anticausalV(s + 16, b0, c1, c2, c3);
    const y2 = Groups.anticausalV(s + 32, b0, c1, c2, c3);
    const y3 = Groups.anticausalV(s + 48, b0, c1, c2, c3);
    const a = f32x4.shuffle(
      f32x4.shuffle(y0, y1, 3, 7, 3, 7),
      f32x4.shuffle(y2, y3, 3, 7, 3, 7),
      0,
      1,
      4,
      5,
    );
    const half = f32x4.splat(0.5);
    const one = f32x4.splat(1);
    const inv = v128.and(f32x4.div(f32x4.splat(255), a), f32x4.ge(a, half));
    const i0 = roundToInt(madd(y0, f32x4.shuffle(inv, one, 0, 0, 0, 4), half));
    const i1 = roundToInt(madd(y1, f32x4.shuffle(inv, one, 1, 1, 1, 4), half));
    const i2 = roundToInt(madd(y2, f32x4.shuffle(inv, one, 2, 2, 2, 4), half));
    const i3 = roundToInt(madd(y3, f32x4.shuffle(inv, one, 3, 3, 3, 4), half));
    v128.store(p, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(i0, i1), i16x8.narrow_i32x4_u(i2, i3)));
  }
}

// Columns c0..c0+count-1 (count ≤ 16), all rows.
function columnStrip(
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
  const top = scratch + 3 * ROW; // row 0
  for (let k = 0; k < count; k++) {
    const x = loadPremultiplied(pix + <usize>k * 4);
    const at = top + <usize>k * 16;
    v128.store(at - ROW, x);
    v128.store(at - 2 * ROW, x);
    v128.store(at - 3 * ROW, x);
  }
  const full = count == 16;
  let p = pix;
  let s = top;
  // The strip steps down by a whole row, which no hardware prefetcher follows, and WASM has no
  // prefetch instruction: a byte is read AHEAD rows below, so that row's line is on its way.
  const last = pix + <usize>(height - 1) * stride;
  const ahead = AHEAD * stride;
  let touched: u32 = 0;
  for (let r = 0; r < height; r++) {
    touched |= load<u8>(min(p + ahead, last));
    if (full) {
      Groups.causal(p, s, b0, c1, c2, c3);
      Groups.causal(p + 16, s + 64, b0, c1, c2, c3);
      Groups.causal(p + 32, s + 128, b0, c1, c2, c3);
      Groups.causal(p + 48, s + 192, b0, c1, c2, c3);
    } else {
      causalRow(p, s, count, b0, c1, c2, c3);
    }
    p += stride;
    s += ROW;
  }
  // Right (bottom) edge: y[N-1], y[N], y[N+1] from the last causal states (Triggs–Sdika).
  p -= stride;
  s -= ROW;
  for (let k = 0; k < count; k++) {
    const at = s + <usize>k * 16;
    const u = loadPremultiplied(p + <usize>k * 4);
    const w1 = v128.load(at);
    const w2 = v128.load(at - ROW);
    const w3 = v128.load(at - 2 * ROW);
    v128.store(at, boundary(coef, 0, u, w1, w2, w3));
    v128.store(at + ROW, boundary(coef, 1, u, w1, w2, w3));
    v128.store(at + 2 * ROW, boundary(coef, 2, u, w1, w2, w3));
    storeStraight(p + <usize>k * 4, v128.load(at));
  }
  for (let r = height - 2; r >= 0; r--) {
    p -= stride;
    s -= ROW;
    if (full) {
      Groups.anticausal(p, s, b0, c1, c2, c3);
      Groups.anticausal(p + 16, s + 64, b0, c1, c2, c3);
      Groups.anticausal(p + 32, s + 128, b0, c1, c2, c3);
      Groups.anticausal(p + 48, s + 192, b0, c1, c2, c3);
    } else {
      anticausalRow(p, s, count, b0, c1, c2, c3);
    }
  }
  store<u8>(scratch + <usize>(height + 5) * ROW, touched); // keeps the reads; a spare row
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
    columnStrip(pix + <usize>c * 4, min(16, col1 - c), height, stride, scratch, coef);
  }
}
