import { jpegWasmSimd } from './wasm/jpegWasm';
import { compileBase64 } from './wasmEngine';

/**
 * A baseline JPEG (JFIF, Huffman, Annex K quantisation tables at IJG's quality scaling) written
 * straight from 8-bit Y, Cb and Cr planes in a WebAssembly memory: 4:2:0, 4:2:2 or 4:4:4 as the
 * planes are subsampled. JS writes the headers and the tables; `wasm/jpeg.as.ts` writes the scan,
 * in bands of MCU rows, each into a bounded output buffer that is copied out after the band. The
 * Huffman tables are the image's own (T.81 Annex K.2): a first pass over the same bands counts
 * the symbols the scan will hold, as libjpeg's `optimize_coding` and Chromium's encoder do.
 */

/** Where the planes sit in the memory, in bytes; strides may exceed the widths. */
export interface JpegPlanes {
  y: number;
  u: number;
  v: number;
  yStride: number;
  cStride: number;
  width: number;
  height: number;
  /** 1 where the chroma planes have half the luma resolution in that direction, else 0. */
  subX: 0 | 1;
  subY: 0 | 1;
}

interface JpegExports {
  reset(): void;
  encodeRows(
    y: number,
    yStride: number,
    u: number,
    v: number,
    cStride: number,
    width: number,
    height: number,
    subX: number,
    subY: number,
    row0: number,
    row1: number,
    tab: number,
    dst: number,
  ): number;
  finish(dst: number): number;
  countInto(p: number): void;
}

/** Bytes of tables and scratch at the start of the encoder's region (the layout in jpeg.as.ts). */
const TABLE_BYTES = 3392;
/**
 * An upper bound on one block's entropy-coded bytes: DC ≤ 16 + 11 bits, 63 AC ≤ 16 + 10 bits
 * each (codes of at most 16 bits, whichever tables), so 1665 bits = 209 bytes, doubled if every
 * byte were 0xFF and stuffed.
 */
export const BLOCK_BOUND = 512;
/** A band of MCU rows is sized so that its bound stays near this. */
const BAND_BYTES = 4 << 20;
/** The bits pending from the band before (< 32) and the final padding, stuffed. */
const SLACK = 64;
/**
 * The first pass counts one MCU row in SAMPLE_EVERY (a 12 MP 4:2:0 image has 188: 24 counted),
 * or every row of an image with fewer than SAMPLE_ALL_BELOW. Counting every row would cost about
 * what the scan's own DCT does; one in eight costs 13 % of the encoder, and the file 0.04–1.6 %
 * more than fully counted tables (`jpegtran -optimize`) on the README's three images.
 */
const SAMPLE_EVERY = 8;
const SAMPLE_ALL_BELOW = 32;
/** The symbol counts of the first pass: u32s at the code tables' offsets (DC_LUMA_AT …). */
const COUNT_BYTES = 2656;
// The code tables' offsets in the encoder's layout (jpeg.as.ts).
const DC_LUMA_AT = 512;
const DC_CHROMA_AT = 560;
const AC_LUMA_AT = 608;
const AC_CHROMA_AT = 1632;

export const NATURAL_ORDER = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

// ITU T.81 Annex K: the quantisation tables (natural order) and the Huffman tables.
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...new Array<number>(32).fill(99),
];

export interface HuffmanSpec {
  /** Number of codes of each length 1..16. */
  counts: number[];
  /** The symbols, shortest code first (the order of their codes). */
  symbols: number[];
}

/** A scan's four Huffman tables. */
export interface HuffmanTables {
  dcLuma: HuffmanSpec;
  acLuma: HuffmanSpec;
  dcChroma: HuffmanSpec;
  acChroma: HuffmanSpec;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const AC_LUMA_SYMBOLS = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
  0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
  0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
  0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
  0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
  0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
  0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
  0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
  0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
  0xf9, 0xfa,
];
const AC_CHROMA_SYMBOLS = [
  0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
  0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
  0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
  0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
  0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
  0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
  0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
  0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
  0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
  0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
  0xf9, 0xfa,
];
const DC_LUMA: HuffmanSpec = {
  counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  symbols: range(12),
};
const DC_CHROMA: HuffmanSpec = {
  counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  symbols: range(12),
};
const AC_LUMA: HuffmanSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: AC_LUMA_SYMBOLS,
};
const AC_CHROMA: HuffmanSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: AC_CHROMA_SYMBOLS,
};

/** T.81 Annex K.3's tables, for JPEG's "typical" statistics. */
export const STANDARD_TABLES: HuffmanTables = {
  dcLuma: DC_LUMA,
  acLuma: AC_LUMA,
  dcChroma: DC_CHROMA,
  acChroma: AC_CHROMA,
};

/**
 * The optimal Huffman table for symbol counts `freq` (index = symbol, 0..255), with codes of at
 * most 16 bits and no code of all 1 bits: T.81 Annex K.2, as libjpeg's jpeg_gen_optimal_table
 * (but for the order of equal lengths, below). Only symbols counted at least once get a code; at
 * least one must be.
 */
export function optimalTable(freq: ArrayLike<number>): HuffmanSpec {
  const MAX = 257; // a code's length before the adjustment: at most one per other symbol
  const counted = Array.from({ length: 256 }, (_, i) => freq[i] || 0);
  if (!counted.some((x) => x > 0)) throw new RangeError('no symbol to code');
  const f = [...counted, 1]; // 256: reserved, so that no real symbol gets the all-ones code
  const size = new Array<number>(257).fill(0);
  const others = new Array<number>(257).fill(-1);
  for (;;) {
    // The two least frequent (the larger symbol among equals, as libjpeg picks).
    let c1 = -1;
    let c2 = -1;
    for (let i = 0; i < 257; i++) if (f[i] && (c1 < 0 || f[i] <= f[c1])) c1 = i;
    for (let i = 0; i < 257; i++) if (f[i] && i !== c1 && (c2 < 0 || f[i] <= f[c2])) c2 = i;
    if (c2 < 0) break;
    f[c1] += f[c2];
    f[c2] = 0;
    size[c1]++;
    while (others[c1] >= 0) size[(c1 = others[c1])]++;
    others[c1] = c2;
    size[c2]++;
    while (others[c2] >= 0) size[(c2 = others[c2])]++;
  }
  const bits = new Array<number>(MAX + 1).fill(0);
  for (let i = 0; i < 257; i++) if (size[i]) bits[size[i]]++;
  // Longer than 16 bits: move pairs up the tree (Annex K.2, Figure K.3, "Adjust_BITS").
  for (let i = MAX; i > 16; i--)
    while (bits[i] > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] -= 2;
      bits[i - 1]++;
      bits[j + 1] += 2;
      bits[j]--;
    }
  // Drop the reserved symbol's code, the longest.
  let longest = 16;
  while (bits[longest] === 0) longest--;
  bits[longest]--;
  // The codes go out shortest first to the symbols in order of their lengths before the
  // adjustment, the commoner first among equals (libjpeg takes the smaller symbol there, which
  // can give a commoner symbol the longer code once lengths are moved).
  const symbols = range(256)
    .filter((i) => size[i] > 0)
    .sort((a, b) => size[a] - size[b] || counted[b] - counted[a] || a - b);
  return { counts: bits.slice(1, 17), symbols };
}

/** AAN's output scale per frequency (libjpeg's aanscalefactor). */
const AAN = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/** The canvas's quality 0..1 → IJG's 1..100, as Chromium's encoder rounds it. */
export function ijgQuality(quality: number): number {
  return Math.min(100, Math.max(1, Math.floor(quality * 100 + 0.5)));
}

/** IJG's quality scaling of the Annex K tables (libjpeg's jpeg_quality_scaling), natural order. */
export function quantTables(ijg: number): { luma: Uint8Array; chroma: Uint8Array } {
  const scale = ijg < 50 ? Math.floor(5000 / ijg) : 200 - ijg * 2;
  const scaled = (base: number[]) =>
    Uint8Array.from(base, (b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))));
  return { luma: scaled(LUMA_Q), chroma: scaled(CHROMA_Q) };
}

/** Each symbol's code as (length << 16) | bits (T.81 Annex C). */
function huffmanCodes(spec: HuffmanSpec, size: number): Uint32Array {
  const codes = new Uint32Array(size);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.counts[len - 1]; i++) codes[spec.symbols[k++]] = (len << 16) | code++;
    code <<= 1;
  }
  return codes;
}

/** The quantisation divisors in the layout jpeg.as.ts reads. */
function writeDivisors(
  memory: WebAssembly.Memory,
  at: number,
  luma: Uint8Array,
  chroma: Uint8Array,
) {
  const divisors = (q: Uint8Array, offset: number) => {
    const d = new Float32Array(memory.buffer, at + offset, 64);
    for (let u = 0; u < 8; u++)
      for (let v = 0; v < 8; v++) d[v * 8 + u] = 1 / (q[u * 8 + v] * AAN[u] * AAN[v] * 8);
  };
  divisors(luma, 0);
  divisors(chroma, 256);
}

/** The Huffman codes in the layout jpeg.as.ts reads. */
function writeCodes(memory: WebAssembly.Memory, at: number, tables: HuffmanTables) {
  new Uint32Array(memory.buffer, at + DC_LUMA_AT, 12).set(huffmanCodes(tables.dcLuma, 12));
  new Uint32Array(memory.buffer, at + DC_CHROMA_AT, 12).set(huffmanCodes(tables.dcChroma, 12));
  new Uint32Array(memory.buffer, at + AC_LUMA_AT, 256).set(huffmanCodes(tables.acLuma, 256));
  new Uint32Array(memory.buffer, at + AC_CHROMA_AT, 256).set(huffmanCodes(tables.acChroma, 256));
}

/** Every symbol a baseline scan can hold: DC categories 0..11; AC EOB, ZRL, run/size. */
const DC_SYMBOLS = range(12);
const AC_SYMBOLS = [
  0x00,
  0xf0,
  ...range(160).map((i) => (Math.floor(i / 10) << 4) | ((i % 10) + 1)),
];

/**
 * The optimal tables for the symbol counts the first pass left at `at`. `sampled`: the pass saw
 * only some of the rows, so every symbol the scan could hold gets a code too (counted once more).
 */
function countedTables(memory: WebAssembly.Memory, at: number, sampled: boolean): HuffmanTables {
  const counted = (offset: number, size: number, possible: number[]) => {
    const freq = new Uint32Array(memory.buffer, at + offset, size).slice();
    if (sampled) for (const sym of possible) freq[sym]++;
    return optimalTable(freq);
  };
  return {
    dcLuma: counted(DC_LUMA_AT, 12, DC_SYMBOLS),
    acLuma: counted(AC_LUMA_AT, 256, AC_SYMBOLS),
    dcChroma: counted(DC_CHROMA_AT, 12, DC_SYMBOLS),
    acChroma: counted(AC_CHROMA_AT, 256, AC_SYMBOLS),
  };
}

/**
 * SOI, APP0 (JFIF 1.01), an EXIF APP1 holding only the orientation when it is not 1, DQT, SOF0,
 * DHT and SOS.
 */
export function jpegHeader(
  width: number,
  height: number,
  subX: number,
  subY: number,
  luma: Uint8Array,
  chroma: Uint8Array,
  orientation: number,
  tables: HuffmanTables,
): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) =>
    bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  if (orientation !== 1) {
    // "Exif\0\0", a big-endian TIFF header, IFD0 at 8 with one entry: 0x0112 Orientation,
    // SHORT, count 1, the value; no next IFD.
    // prettier-ignore
    segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 42, 0, 0, 0, 8,
      0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  }
  const zigzag = (q: Uint8Array) => NATURAL_ORDER.map((n) => q[n]);
  segment(0xdb, [0, ...zigzag(luma), 1, ...zigzag(chroma)]);
  const sampling = ((1 + subX) << 4) | (1 + subY);
  // prettier-ignore
  segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3,
    1, sampling, 0, 2, 0x11, 1, 3, 0x11, 1]);
  const table = (id: number, spec: HuffmanSpec) => [id, ...spec.counts, ...spec.symbols];
  segment(0xc4, [
    ...table(0x00, tables.dcLuma),
    ...table(0x10, tables.acLuma),
    ...table(0x01, tables.dcChroma),
    ...table(0x11, tables.acChroma),
  ]);
  segment(0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  return Uint8Array.from(bytes);
}

let module: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, JpegExports>();

/** Whether this context can run the encoder (WebAssembly SIMD). */
export function jpegEncoderAvailable(): boolean {
  return encoderModule() !== null;
}

/** Compiled once per context; null where WebAssembly SIMD is missing. */
function encoderModule(): WebAssembly.Module | null {
  module ??= compileBase64(jpegWasmSimd);
  return module;
}

function encoderOver(memory: WebAssembly.Memory): JpegExports {
  const compiled = encoderModule();
  if (!compiled) throw new Error('WebAssembly SIMD is not available');
  let exports = instances.get(memory);
  if (!exports) {
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    exports = instance.exports as unknown as JpegExports;
    instances.set(memory, exports);
  }
  return exports;
}

/** The most bytes one MCU row can take: every block of its MCUs at its bound. */
function mcuRowBound(width: number, subX: number, subY: number): number {
  return Math.ceil(width / (8 << subX)) * ((1 + subX) * (1 + subY) + 2) * BLOCK_BOUND;
}

function mcuRowsPerBand(width: number, subX: number, subY: number): number {
  return Math.max(1, Math.floor(BAND_BYTES / mcuRowBound(width, subX, subY)));
}

/**
 * Bytes the encoder needs at its region: tables, scratch and the output buffer of one band
 * (a bound for any content, so a band never overflows).
 */
export function jpegRegionBytes(width: number, subX: number, subY: number): number {
  const band = mcuRowsPerBand(width, subX, subY) * mcuRowBound(width, subX, subY);
  return TABLE_BYTES + Math.max(band, COUNT_BYTES) + SLACK;
}

export interface JpegJob {
  /**
   * Bands of MCU rows; run them in order. With optimal tables, the first half counts the
   * symbols and the second writes the scan.
   */
  bands: number;
  runBand(index: number): void;
  /** The file: header, every band's bytes, the end of the scan and EOI. After the last band. */
  finish(): Uint8Array<ArrayBuffer>[];
}

/**
 * Encodes the planes in `memory` band by band; the encoder's region (jpegRegionBytes) starts at
 * `region` (64-byte aligned) and must not overlap the planes. `quality` 0..1 as the canvas takes;
 * `orientation` (EXIF 1–8) is written into the file for viewers to apply. `optimalTables`: the
 * image's own Huffman tables (two passes over the planes), else Annex K's (one pass).
 */
export function jpegJob(
  memory: WebAssembly.Memory,
  region: number,
  planes: JpegPlanes,
  quality: number,
  orientation = 1,
  optimalTables = true,
): JpegJob {
  if (!(Number.isInteger(orientation) && orientation >= 1 && orientation <= 8))
    throw new RangeError(`EXIF orientation ${orientation}`);
  const { width, height, subX, subY } = planes;
  if (width < 1 || height < 1 || width > 65535 || height > 65535)
    throw new RangeError(`a JPEG cannot be ${width}×${height}`);
  const encoder = encoderOver(memory);
  const { luma, chroma } = quantTables(ijgQuality(quality));
  writeDivisors(memory, region, luma, chroma);
  const dst = region + TABLE_BYTES;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const start = (tables: HuffmanTables) => {
    writeCodes(memory, region, tables);
    chunks.push(jpegHeader(width, height, subX, subY, luma, chroma, orientation, tables));
    encoder.countInto(0);
    encoder.reset();
  };
  const mcuRows = Math.ceil(height / (8 << subY));
  const step = mcuRowsPerBand(width, subX, subY);
  const scanBands = Math.ceil(mcuRows / step);
  const countBands = optimalTables ? scanBands : 0;
  // The first pass counts every SAMPLE_EVERY-th MCU row of a tall image, every row of a short one.
  const every = mcuRows >= SAMPLE_ALL_BELOW ? SAMPLE_EVERY : 1;
  if (optimalTables) {
    new Uint32Array(memory.buffer, dst, COUNT_BYTES / 4).fill(0);
    encoder.countInto(dst);
    encoder.reset();
  } else {
    start(STANDARD_TABLES);
  }
  const copy = (n: number) => chunks.push(new Uint8Array(memory.buffer, dst, n).slice());
  const encode = (row0: number, row1: number) => {
    const { y, u, v, yStride, cStride } = planes;
    return encoder.encodeRows(
      y,
      yStride,
      u,
      v,
      cStride,
      width,
      height,
      subX,
      subY,
      row0,
      row1,
      region,
      dst,
    );
  };
  const band = (index: number): [number, number] => [
    index * step,
    Math.min(mcuRows, (index + 1) * step),
  ];
  return {
    bands: countBands + scanBands,
    runBand(index) {
      if (index < countBands) {
        const [row0, row1] = band(index);
        for (let r = Math.ceil(row0 / every) * every; r < row1; r += every) encode(r, r + 1);
        if (index === countBands - 1) start(countedTables(memory, dst, every > 1));
      } else {
        copy(encode(...band(index - countBands)));
      }
    },
    finish() {
      copy(encoder.finish(dst));
      chunks.push(Uint8Array.of(0xff, 0xd9));
      return chunks;
    },
  };
}

/**
 * Encodes planes given as arrays, in a memory of its own (tests, and callers whose planes are not
 * in WebAssembly memory). Strides default to the widths.
 */
export function encodeJpegPlanes(
  planes: {
    y: Uint8Array;
    u: Uint8Array;
    v: Uint8Array;
    width: number;
    height: number;
    subX: 0 | 1;
    subY: 0 | 1;
    yStride?: number;
    cStride?: number;
  },
  quality = 0.85,
  orientation = 1,
  optimalTables = true,
): Uint8Array<ArrayBuffer> {
  const { width, height, subX, subY } = planes;
  const yStride = planes.yStride ?? width;
  const cStride = planes.cStride ?? (subX ? (width + 1) >> 1 : width);
  const align = (n: number) => Math.ceil(n / 64) * 64;
  const region = 0;
  const y = align(jpegRegionBytes(width, subX, subY));
  const u = align(y + planes.y.length);
  const v = align(u + planes.u.length);
  const end = v + planes.v.length;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(planes.y, y);
  bytes.set(planes.u, u);
  bytes.set(planes.v, v);
  const job = jpegJob(
    memory,
    region,
    { y, u, v, yStride, cStride, width, height, subX, subY },
    quality,
    orientation,
    optimalTables,
  );
  for (let i = 0; i < job.bands; i++) job.runBand(i);
  const chunks = job.finish();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
