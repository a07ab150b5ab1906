// @ts-nocheck -- AssemblyScript, compiled by asc (scripts/build-wasm.mjs), never by tsc.
//
// The entropy-coded scan of a baseline JPEG, straight from 8-bit Y, Cb and Cr planes (4:2:0,
// 4:2:2 or 4:4:4: the planes' own subsampling, so no colour conversion and no resampling). The
// headers, the quantisation and Huffman tables are JS's (src/blur/jpegEncoder.ts): JS lays the
// tables out at `tab` (layout below) and this module only reads them. It has no static data and
// allocates nothing, so it can run over the blur kernel's memory without touching a byte of it
// outside the pointers it is given (the build checks that it has no data segment).
//
// Per 8×8 block: AAN float DCT in f32x4 (columns, transpose, columns again), quantisation by a
// multiply with 1 / (q · AAN scale · 8), rounding, the zigzag reorder by byte swizzles, a 64-bit
// mask of the non-zero coefficients, and Huffman coding that walks only the set bits.
// The bit writer keeps up to 63 bits in a u64 and writes 32 at a time, byte by byte (with 0x00
// after each 0xFF) only when one of the four bytes is 0xFF.
//
// `tab` layout (bytes): 0 luma divisors f32[64] and 256 chroma divisors f32[64], both indexed
// v·8 + u (horizontal frequency v, vertical u: the DCT leaves the block transposed); 512 DC luma
// and 560 DC chroma codes u32[12]; 608 AC luma and 1632 AC chroma codes u32[256]; each code is
// (length << 16) | bits. 2656: 64 bytes for an edge block, 2720: 256 bytes of f32 scratch
// ×2, 3232: 128 bytes of zigzag coefficients. TABLE_BYTES in jpegEncoder.ts is 3392.
//
// Counting (`countInto(p)`, p ≠ 0): the same blocks, but each Huffman symbol adds 1 to a u32 at
// p + (its code's offset in the layout above) instead of being written, so that JS can build
// optimal tables (T.81 Annex K.2) before the scan is written with them.

const Q_LUMA: usize = 0;
const Q_CHROMA: usize = 256;
const DC_LUMA: usize = 512;
const DC_CHROMA: usize = 560;
const AC_LUMA: usize = 608;
const AC_CHROMA: usize = 1632;
const EDGE: usize = 2656;
const S1: usize = 2720;
const S2: usize = 2976;
const ZZ: usize = 3232;

let acc: u64 = 0;
let pending: i32 = 0; // bits in acc not yet written
let out: usize = 0;
let predY: i32 = 0;
let predCb: i32 = 0;
let predCr: i32 = 0;
let counts: usize = 0; // 0: write the scan; else count symbols there

class J {
  @inline
  static byte(b: u32): void {
    store<u8>(out, <u8>b);
    out++;
    if (b == 0xff) {
      store<u8>(out, 0);
      out++;
    }
  }

  // Appends `len` ≤ 32 bits; `code` < 2^len.
  @inline
  static put(code: u32, len: i32): void {
    acc = (acc << (<u64>len)) | (<u64>code);
    pending += len;
    if (pending >= 32) {
      pending -= 32;
      const w = <u32>(acc >> (<u64>pending));
      // Any byte 0xFF? (the zero-byte test on ~w)
      if (((~w - 0x01010101) & w & 0x80808080) == 0) {
        store<u32>(out, bswap<u32>(w));
        out += 4;
      } else {
        J.byte(w >>> 24);
        J.byte((w >>> 16) & 0xff);
        J.byte((w >>> 8) & 0xff);
        J.byte(w & 0xff);
      }
    }
  }

  // Huffman symbol `sym` of the table at `table` followed by `n` extra bits, or counted.
  @inline
  static symbol(tab: usize, table: usize, sym: usize, extra: u32, n: i32): void {
    if (counts) {
      const at = counts + table + sym * 4;
      store<u32>(at, load<u32>(at) + 1);
      return;
    }
    const e = load<u32>(tab + table + sym * 4);
    J.put(((e & 0xffff) << n) | extra, <i32>(e >>> 16) + n);
  }

  // AAN 8-point forward DCT (libjpeg's jfdctflt) of eight f32x4 at p, p + s, …, in place.
  @inline
  static dct(p: usize, s: usize): void {
    const d0 = v128.load(p);
    const d1 = v128.load(p + s);
    const d2 = v128.load(p + 2 * s);
    const d3 = v128.load(p + 3 * s);
    const d4 = v128.load(p + 4 * s);
    const d5 = v128.load(p + 5 * s);
    const d6 = v128.load(p + 6 * s);
    const d7 = v128.load(p + 7 * s);
    const t0 = f32x4.add(d0, d7);
    const t7 = f32x4.sub(d0, d7);
    const t1 = f32x4.add(d1, d6);
    const t6 = f32x4.sub(d1, d6);
    const t2 = f32x4.add(d2, d5);
    const t5 = f32x4.sub(d2, d5);
    const t3 = f32x4.add(d3, d4);
    const t4 = f32x4.sub(d3, d4);
    // Even part.
    const t10 = f32x4.add(t0, t3);
    const t13 = f32x4.sub(t0, t3);
    const t11 = f32x4.add(t1, t2);
    const t12 = f32x4.sub(t1, t2);
    v128.store(p, f32x4.add(t10, t11));
    v128.store(p + 4 * s, f32x4.sub(t10, t11));
    const z1 = f32x4.mul(f32x4.add(t12, t13), f32x4.splat(0.707106781));
    v128.store(p + 2 * s, f32x4.add(t13, z1));
    v128.store(p + 6 * s, f32x4.sub(t13, z1));
    // Odd part.
    const o10 = f32x4.add(t4, t5);
    const o11 = f32x4.add(t5, t6);
    const o12 = f32x4.add(t6, t7);
    const z5 = f32x4.mul(f32x4.sub(o10, o12), f32x4.splat(0.382683433));
    const z2 = f32x4.add(f32x4.mul(o10, f32x4.splat(0.5411961)), z5);
    const z4 = f32x4.add(f32x4.mul(o12, f32x4.splat(1.306562965)), z5);
    const z3 = f32x4.mul(o11, f32x4.splat(0.707106781));
    const z11 = f32x4.add(t7, z3);
    const z13 = f32x4.sub(t7, z3);
    v128.store(p + 5 * s, f32x4.add(z13, z2));
    v128.store(p + 3 * s, f32x4.sub(z13, z2));
    v128.store(p + s, f32x4.add(z11, z4));
    v128.store(p + 7 * s, f32x4.sub(z11, z4));
  }

  // 4×4 f32 transpose: rows a, a + 32, a + 64, a + 96 → columns at b, b + 32, …
  @inline
  static transpose4(a: usize, b: usize): void {
    const r0 = v128.load(a);
    const r1 = v128.load(a + 32);
    const r2 = v128.load(a + 64);
    const r3 = v128.load(a + 96);
    const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
    const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
    const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
    v128.store(b, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(b + 32, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(b + 64, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(b + 96, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
  }

  // Eight quantised coefficients (v fixed, u = 0..7) as i16: round(x · divisor), clamped to
  // ±1023 (baseline's AC range).
  @inline
  static quantise(tab: usize, q: usize, v: usize): v128 {
    const lim = f32x4.splat(1023);
    const nlim = f32x4.splat(-1023);
    const a = f32x4.mul(v128.load(tab + S2 + v * 32), v128.load(tab + q + v * 32));
    const b = f32x4.mul(v128.load(tab + S2 + v * 32 + 16), v128.load(tab + q + v * 32 + 16));
    const ia = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.max(f32x4.min(a, lim), nlim)));
    const ib = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.max(f32x4.min(b, lim), nlim)));
    return i16x8.narrow_i32x4_s(ia, ib);
  }

  @inline
  static nonzero(a: v128, b: v128): u64 {
    const z = i16x8.splat(0);
    const m = i8x16.narrow_i16x8_s(v128.not(i16x8.eq(a, z)), v128.not(i16x8.eq(b, z)));
    return <u64>i8x16.bitmask(m);
  }
}

// The 8×8 block at (x, y) of a w×h plane into S1 as f32 rows (row r at S1 + 32r, two f32x4),
// level-shifted by −128; a block crossing the right or bottom edge repeats the last column / row.
function loadBlock(plane: usize, stride: usize, w: i32, h: i32, x: i32, y: i32, tab: usize): void {
  let src = plane + <usize>y * stride + <usize>x;
  let step = stride;
  if (x + 8 > w || y + 8 > h) {
    for (let r = 0; r < 8; r++) {
      const yy = min(y + r, h - 1);
      const row = plane + <usize>yy * stride;
      for (let c = 0; c < 8; c++) {
        const xx = min(x + c, w - 1);
        store<u8>(tab + EDGE + <usize>(r * 8 + c), load<u8>(row + <usize>xx));
      }
    }
    src = tab + EDGE;
    step = 8;
  }
  const shift = i16x8.splat(128);
  for (let r: usize = 0; r < 8; r++) {
    const s = i16x8.sub(v128.load8x8_u(src + r * step), shift);
    v128.store(tab + S1 + r * 32, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(s)));
    v128.store(tab + S1 + r * 32 + 16, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(s)));
  }
}

// Encodes the block in S1 with quantiser q and the given Huffman tables; returns its DC.
function encodeBlock(tab: usize, q: usize, dcTab: usize, acTab: usize, pred: i32): i32 {
  // Down the columns (vertical frequencies u), transpose, down again (horizontal v): S2 holds
  // F[u][v] at v·32 + u·4.
  J.dct(tab + S1, 32);
  J.dct(tab + S1 + 16, 32);
  J.transpose4(tab + S1, tab + S2);
  J.transpose4(tab + S1 + 16, tab + S2 + 128);
  J.transpose4(tab + S1 + 128, tab + S2 + 16);
  J.transpose4(tab + S1 + 144, tab + S2 + 144);
  J.dct(tab + S2, 32);
  J.dct(tab + S2 + 16, 32);
  // qv: the eight coefficients of horizontal frequency v, lane u.
  const q0 = J.quantise(tab, q, 0);
  const q1 = J.quantise(tab, q, 1);
  const q2 = J.quantise(tab, q, 2);
  const q3 = J.quantise(tab, q, 3);
  const q4 = J.quantise(tab, q, 4);
  const q5 = J.quantise(tab, q, 5);
  const q6 = J.quantise(tab, q, 6);
  const q7 = J.quantise(tab, q, 7);
  // Zigzag: lane j of zk is coefficient 8k + j of the zigzag order (jpeg_natural_order), taken
  // from q[v] lane u; byte indices out of range (−1) give 0. Generated from the order table.
  const z0 = v128.or(
    v128.or(
      v128.or(
        i8x16.swizzle(q0, i8x16(0, 1, -1, -1, 2, 3, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1)),
        i8x16.swizzle(q1, i8x16(-1, -1, 0, 1, -1, -1, -1, -1, 2, 3, -1, -1, -1, -1, -1, -1)),
      ),
      i8x16.swizzle(q2, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, 2, 3)),
    ),
    i8x16.swizzle(q3, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1)),
  );
  const z1 = v128.or(
    v128.or(
      v128.or(
        v128.or(
          v128.or(
            i8x16.swizzle(q0, i8x16(-1, -1, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
            i8x16.swizzle(q1, i8x16(4, 5, -1, -1, -1, -1, 6, 7, -1, -1, -1, -1, -1, -1, -1, -1)),
          ),
          i8x16.swizzle(q2, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 4, 5, -1, -1, -1, -1, -1, -1)),
        ),
        i8x16.swizzle(q3, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 3, -1, -1, -1, -1)),
      ),
      i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1)),
    ),
    i8x16.swizzle(q5, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1)),
  );
  const z2 = v128.or(
    v128.or(
      v128.or(
        v128.or(
          i8x16.swizzle(q0, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 10, 11, 12, 13, -1, -1, -1, -1)),
          i8x16.swizzle(q1, i8x16(-1, -1, -1, -1, -1, -1, 8, 9, -1, -1, -1, -1, 10, 11, -1, -1)),
        ),
        i8x16.swizzle(q2, i8x16(-1, -1, -1, -1, 6, 7, -1, -1, -1, -1, -1, -1, -1, -1, 8, 9)),
      ),
      i8x16.swizzle(q3, i8x16(-1, -1, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
    ),
    i8x16.swizzle(q4, i8x16(2, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
  );
  const z3 = v128.or(
    v128.or(
      v128.or(
        v128.or(
          i8x16.swizzle(q3, i8x16(6, 7, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
          i8x16.swizzle(q4, i8x16(-1, -1, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 6, 7)),
        ),
        i8x16.swizzle(q5, i8x16(-1, -1, -1, -1, 2, 3, -1, -1, -1, -1, -1, -1, 4, 5, -1, -1)),
      ),
      i8x16.swizzle(q6, i8x16(-1, -1, -1, -1, -1, -1, 0, 1, -1, -1, 2, 3, -1, -1, -1, -1)),
    ),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, -1, -1, -1, -1)),
  );
  const z4 = v128.or(
    v128.or(
      v128.or(
        v128.or(
          i8x16.swizzle(q0, i8x16(-1, -1, -1, -1, -1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1)),
          i8x16.swizzle(q1, i8x16(-1, -1, -1, -1, 12, 13, -1, -1, 14, 15, -1, -1, -1, -1, -1, -1)),
        ),
        i8x16.swizzle(q2, i8x16(-1, -1, 10, 11, -1, -1, -1, -1, -1, -1, 12, 13, -1, -1, -1, -1)),
      ),
      i8x16.swizzle(q3, i8x16(8, 9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 10, 11, -1, -1)),
    ),
    i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 8, 9)),
  );
  const z5 = v128.or(
    v128.or(
      v128.or(
        v128.or(
          i8x16.swizzle(q3, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 12, 13)),
          i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 10, 11, -1, -1)),
        ),
        i8x16.swizzle(q5, i8x16(6, 7, -1, -1, -1, -1, -1, -1, -1, -1, 8, 9, -1, -1, -1, -1)),
      ),
      i8x16.swizzle(q6, i8x16(-1, -1, 4, 5, -1, -1, -1, -1, 6, 7, -1, -1, -1, -1, -1, -1)),
    ),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, 2, 3, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1)),
  );
  const z6 = v128.or(
    v128.or(
      v128.or(
        v128.or(
          v128.or(
            i8x16.swizzle(
              q2,
              i8x16(14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
            ),
            i8x16.swizzle(
              q3,
              i8x16(-1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
            ),
          ),
          i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
        ),
        i8x16.swizzle(q5, i8x16(-1, -1, -1, -1, -1, -1, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1)),
      ),
      i8x16.swizzle(q6, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 8, 9, -1, -1, -1, -1, 10, 11)),
    ),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 6, 7, 8, 9, -1, -1)),
  );
  const z7 = v128.or(
    v128.or(
      v128.or(
        i8x16.swizzle(q4, i8x16(-1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
        i8x16.swizzle(q5, i8x16(12, 13, -1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
      ),
      i8x16.swizzle(q6, i8x16(-1, -1, -1, -1, -1, -1, 12, 13, -1, -1, -1, -1, 14, 15, -1, -1)),
    ),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 10, 11, 12, 13, -1, -1, 14, 15)),
  );
  const zz = tab + ZZ;
  v128.store(zz, z0);
  v128.store(zz, z1, 16);
  v128.store(zz, z2, 32);
  v128.store(zz, z3, 48);
  v128.store(zz, z4, 64);
  v128.store(zz, z5, 80);
  v128.store(zz, z6, 96);
  v128.store(zz, z7, 112);
  let mask =
    J.nonzero(z0, z1) |
    (J.nonzero(z2, z3) << 16) |
    (J.nonzero(z4, z5) << 32) |
    (J.nonzero(z6, z7) << 48);

  // DC: the difference from the previous block's DC of this component.
  const dc = <i32>load<i16>(zz);
  const diff = dc - pred;
  if (diff == 0) {
    J.symbol(tab, dcTab, 0, 0, 0);
  } else {
    const a = diff < 0 ? -diff : diff;
    const n = 32 - <i32>clz<u32>(a);
    const bits = (<u32>(diff < 0 ? diff - 1 : diff)) & ((1 << n) - 1);
    J.symbol(tab, dcTab, <usize>n, bits, n);
  }
  // AC: runs of zeros between the set bits of the mask.
  mask &= ~(<u64>1);
  let last = 0;
  while (mask != 0) {
    const k = <i32>ctz<u64>(mask);
    let run = k - last - 1;
    while (run >= 16) {
      J.symbol(tab, acTab, 0xf0, 0, 0);
      run -= 16;
    }
    const v = <i32>load<i16>(zz + <usize>k * 2);
    const a = v < 0 ? -v : v;
    const n = 32 - <i32>clz<u32>(a);
    const bits = (<u32>(v < 0 ? v - 1 : v)) & ((1 << n) - 1);
    J.symbol(tab, acTab, <usize>((run << 4) | n), bits, n);
    last = k;
    mask &= mask - 1;
  }
  if (last != 63) J.symbol(tab, acTab, 0, 0, 0);
  return dc;
}

/**
 * From now on `encodeRows` counts each Huffman symbol at p (the code tables' layout, u32 each,
 * zeroed by the caller) instead of writing the scan; 0 writes again. Call `reset` after either.
 */
export function countInto(p: usize): void {
  counts = p;
}

/** Starts a scan: no bits pending, every component's DC predictor 0. */
export function reset(): void {
  acc = 0;
  pending = 0;
  predY = 0;
  predCb = 0;
  predCr = 0;
}

/**
 * MCU rows [row0, row1) of the scan, written from `dst`; returns the bytes written. Bits that do
 * not fill a 32-bit word yet stay pending for the next call. An MCU is (8 << subX) × (8 << subY)
 * luma pixels: its luma blocks in raster order, then one Cb and one Cr block.
 */
export function encodeRows(
  y: usize,
  yStride: usize,
  u: usize,
  v: usize,
  cStride: usize,
  width: i32,
  height: i32,
  subX: i32,
  subY: i32,
  row0: i32,
  row1: i32,
  tab: usize,
  dst: usize,
): usize {
  out = dst;
  const mw = 8 << subX;
  const mh = 8 << subY;
  const mcusX = (width + mw - 1) / mw;
  const cw = subX ? (width + 1) >> 1 : width;
  const ch = subY ? (height + 1) >> 1 : height;
  for (let my = row0; my < row1; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      for (let by = 0; by <= subY; by++) {
        for (let bx = 0; bx <= subX; bx++) {
          loadBlock(y, yStride, width, height, mx * mw + bx * 8, my * mh + by * 8, tab);
          predY = encodeBlock(tab, Q_LUMA, DC_LUMA, AC_LUMA, predY);
        }
      }
      loadBlock(u, cStride, cw, ch, mx * 8, my * 8, tab);
      predCb = encodeBlock(tab, Q_CHROMA, DC_CHROMA, AC_CHROMA, predCb);
      loadBlock(v, cStride, cw, ch, mx * 8, my * 8, tab);
      predCr = encodeBlock(tab, Q_CHROMA, DC_CHROMA, AC_CHROMA, predCr);
    }
  }
  return out - dst;
}

/** Ends the scan: pending bits padded with 1s to a byte boundary and written; returns the bytes. */
export function finish(dst: usize): usize {
  out = dst;
  const pad = (8 - (pending & 7)) & 7;
  if (pad) J.put((1 << pad) - 1, pad);
  while (pending >= 8) {
    pending -= 8;
    J.byte((<u32>(acc >> (<u64>pending))) & 0xff);
  }
  return out - dst;
}
