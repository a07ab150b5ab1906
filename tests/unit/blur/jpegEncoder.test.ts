import jpeg from 'jpeg-js';
import { describe, expect, test } from 'vitest';
import {
  BLOCK_BOUND,
  encodeJpegPlanes,
  ijgQuality,
  jpegRegionBytes,
  NATURAL_ORDER,
  optimalTable,
  quantTables,
  STANDARD_TABLES,
  type HuffmanSpec,
} from '../../../src/blur/jpegEncoder';
import { readImageHeader } from '../../../src/blur/readImageHeader';

// The baseline JPEG encoder (jpegEncoder.ts + wasm/jpeg.as.ts), decoded by an independent
// decoder (jpeg-js) and checked against the planes it was given.

type Sub = 0 | 1;
interface Planes {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  width: number;
  height: number;
  subX: Sub;
  subY: Sub;
}

const LAYOUTS: [string, Sub, Sub][] = [
  ['4:2:0', 1, 1],
  ['4:2:2', 1, 0],
  ['4:4:4', 0, 0],
];

/** Smooth shapes, edges and a little noise, in all three planes (a blurred photo's content). */
function photoPlanes(
  width: number,
  height: number,
  subX: Sub,
  subY: Sub,
  seed = 1,
  edges = true,
): Planes {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 6;
  const cw = subX ? (width + 1) >> 1 : width;
  const ch = subY ? (height + 1) >> 1 : height;
  const y = new Uint8Array(width * height);
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      const disc =
        (i - width / 3) ** 2 + (j - height / 2) ** 2 < (Math.min(width, height) / 4) ** 2;
      y[j * width + i] = clamp(
        90 + 60 * Math.sin(i / 23) * Math.cos(j / 31) + (disc && edges ? 50 : 0) + rand(),
      );
    }
  for (let j = 0; j < ch; j++)
    for (let i = 0; i < cw; i++) {
      u[j * cw + i] = clamp(128 + 40 * Math.sin((i + j) / 19) + rand());
      v[j * cw + i] = clamp(128 + 35 * Math.cos((i - 2 * j) / 27) + rand());
    }
  return { y, u, v, width, height, subX, subY };
}

/** Uniform noise over 0..255 in every plane: the worst case for the scan's size. */
function noisePlanes(width: number, height: number, subX: Sub, subY: Sub): Planes {
  const p = photoPlanes(width, height, subX, subY);
  let s = 7;
  for (const plane of [p.y, p.u, p.v])
    for (let i = 0; i < plane.length; i++) plane[i] = (s = (s * 1664525 + 1013904223) >>> 0) >>> 24;
  return p;
}

function psnr(se: number, n: number): number {
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}

/** The file decoded by jpeg-js to Y, Cb, Cr triples at full resolution (no colour transform). */
function decodePlanes(file: Uint8Array) {
  return jpeg.decode(file, { useTArray: true, colorTransform: false, formatAsRGBA: false });
}

/** Each plane's PSNR of the decoded file against the planes (chroma sampled where it sits). */
function roundTrip(p: Planes, file: Uint8Array): { y: number; u: number; v: number } {
  const d = decodePlanes(file);
  expect([d.width, d.height]).toEqual([p.width, p.height]);
  const cw = p.subX ? (p.width + 1) >> 1 : p.width;
  const se = [0, 0, 0];
  for (let j = 0; j < p.height; j++)
    for (let i = 0; i < p.width; i++) {
      const o = (j * p.width + i) * 3;
      const c = (j >> p.subY) * cw + (i >> p.subX);
      se[0] += (d.data[o] - p.y[j * p.width + i]) ** 2;
      se[1] += (d.data[o + 1] - p.u[c]) ** 2;
      se[2] += (d.data[o + 2] - p.v[c]) ** 2;
    }
  const n = p.width * p.height;
  return { y: psnr(se[0], n), u: psnr(se[1], n), v: psnr(se[2], n) };
}

interface Segment {
  marker: number;
  body: Uint8Array;
}

/** The marker segments up to SOS, then the scan's bytes and whatever follows it. */
function parse(file: Uint8Array): { segments: Segment[]; scan: Uint8Array; tail: Uint8Array } {
  expect([file[0], file[1]]).toEqual([0xff, 0xd8]);
  const segments: Segment[] = [];
  let at = 2;
  for (;;) {
    expect(file[at]).toBe(0xff);
    const marker = file[at + 1];
    const length = (file[at + 2] << 8) | file[at + 3];
    segments.push({ marker, body: file.subarray(at + 4, at + 2 + length) });
    at += 2 + length;
    if (marker === 0xda) break;
  }
  // The scan ends at the first 0xFF not followed by 0x00 (no restart markers are written).
  let end = at;
  while (!(file[end] === 0xff && file[end + 1] !== 0x00)) end += file[end] === 0xff ? 2 : 1;
  return { segments, scan: file.subarray(at, end), tail: file.subarray(end) };
}

/** The DHT segment's tables: each one's class and id byte, and how many symbols it codes. */
function dhtTables(file: Uint8Array): { id: number; symbols: number }[] {
  const dht = parse(file).segments.find((s) => s.marker === 0xc4)!.body;
  const tables = [];
  for (let at = 0; at < dht.length;) {
    const symbols = dht.subarray(at + 1, at + 17).reduce((a, b) => a + b, 0);
    tables.push({ id: dht[at], symbols });
    at += 17 + symbols;
  }
  return tables;
}

function dqt(file: Uint8Array): Uint8Array[] {
  const tables: Uint8Array[] = [];
  for (const { marker, body } of parse(file).segments.filter((s) => s.marker === 0xdb)) {
    expect(marker).toBe(0xdb);
    for (let k = 0; k < body.length; k += 65) {
      expect(body[k] >> 4).toBe(0); // 8-bit precision
      const natural = new Uint8Array(64);
      for (let i = 0; i < 64; i++) natural[NATURAL_ORDER[i]] = body[k + 1 + i];
      tables[body[k] & 15] = natural;
    }
  }
  return tables;
}

describe('JPEG encoder: structure', () => {
  test('SOI, APP0 JFIF, DQT, SOF0, DHT, SOS, the scan, EOI; 0xFF in the scan is stuffed', () => {
    const p = photoPlanes(64, 48, 1, 1);
    const file = encodeJpegPlanes(p, 0.85);
    const { segments, scan, tail } = parse(file);
    expect(segments.map((s) => s.marker)).toEqual([0xe0, 0xdb, 0xc0, 0xc4, 0xda]);
    const app0 = segments[0].body;
    expect([...app0.subarray(0, 5)]).toEqual([0x4a, 0x46, 0x49, 0x46, 0]); // "JFIF\0"
    expect([app0[5], app0[6]]).toEqual([1, 1]);
    const sof = segments[2].body;
    expect(sof[0]).toBe(8);
    expect((sof[1] << 8) | sof[2]).toBe(48);
    expect((sof[3] << 8) | sof[4]).toBe(64);
    expect([...sof.subarray(5)]).toEqual([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    const sos = segments[4].body;
    expect([...sos]).toEqual([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    expect([...tail]).toEqual([0xff, 0xd9]);
    expect(scan.length).toBeGreaterThan(0);
  });

  test('an orientation other than 1 goes into an EXIF APP1 after APP0; 1 writes none', async () => {
    const p = photoPlanes(40, 24, 1, 1);
    expect(parse(encodeJpegPlanes(p, 0.85)).segments.map((s) => s.marker)).not.toContain(0xe1);
    for (const o of [2, 3, 5, 6, 7, 8]) {
      const file = encodeJpegPlanes(p, 0.85, o);
      const markers = parse(file).segments.map((s) => s.marker);
      expect(markers.slice(0, 2)).toEqual([0xe0, 0xe1]);
      // The project's own header reader (the one blurBlob trusts) finds it, and the size as shown.
      const header = await readImageHeader(new Blob([file]));
      const shown = o >= 5 ? [24, 40] : [40, 24];
      expect(header).toMatchObject({ orientation: o, width: shown[0], height: shown[1] });
    }
    expect(() => encodeJpegPlanes(p, 0.85, 9)).toThrow(RangeError);
  });

  test('sampling factors follow the layout', () => {
    for (const [, subX, subY] of LAYOUTS) {
      const sof = parse(encodeJpegPlanes(photoPlanes(20, 20, subX, subY))).segments[2].body;
      expect(sof[7]).toBe(((1 + subX) << 4) | (1 + subY));
    }
  });

  test('a noisy scan holds many 0xFF bytes, each followed by a stuffed 0x00', () => {
    const file = encodeJpegPlanes(noisePlanes(64, 64, 0, 0), 1);
    const { scan } = parse(file);
    let stuffed = 0;
    for (let i = 0; i < scan.length; i++)
      if (scan[i] === 0xff) {
        expect(scan[i + 1]).toBe(0);
        stuffed++;
        i++;
      }
    expect(stuffed).toBeGreaterThan(10);
  });

  test('DHT holds four tables: DC and AC, luma and chroma', () => {
    const ids = dhtTables(encodeJpegPlanes(photoPlanes(8, 8, 0, 0))).map((t) => t.id);
    expect(ids).toEqual([0x00, 0x10, 0x01, 0x11]);
  });
});

describe('JPEG encoder: quantisation tables', () => {
  test('canvas quality → IJG quality as Chromium rounds it', () => {
    expect(ijgQuality(0.85)).toBe(85);
    expect(ijgQuality(0)).toBe(1);
    expect(ijgQuality(1)).toBe(100);
    expect(ijgQuality(0.925)).toBe(93);
  });

  test.each([50, 85, 100, 10])(
    'quality %i matches IJG scaling (jpeg-js encoder, libjpeg values)',
    (q) => {
      const ours = dqt(encodeJpegPlanes(photoPlanes(16, 16, 0, 0), q / 100));
      const theirs = dqt(
        jpeg.encode({ data: new Uint8Array(16 * 16 * 4), width: 16, height: 16 }, q).data,
      );
      expect([...ours[0]]).toEqual([...theirs[0]]);
      expect([...ours[1]]).toEqual([...theirs[1]]);
      expect([...ours[0]]).toEqual([...quantTables(q).luma]);
    },
  );

  test('known values: 50 is Annex K itself, 85 as libjpeg writes it, 100 is all ones', () => {
    expect([...quantTables(50).luma.subarray(0, 8)]).toEqual([16, 11, 10, 16, 24, 40, 51, 61]);
    expect([...quantTables(85).luma.subarray(0, 8)]).toEqual([5, 3, 3, 5, 7, 12, 15, 18]);
    expect([...quantTables(85).chroma.subarray(0, 8)]).toEqual([5, 5, 7, 14, 30, 30, 30, 30]);
    expect(quantTables(100).luma.every((x) => x === 1)).toBe(true);
    expect(quantTables(100).chroma.every((x) => x === 1)).toBe(true);
  });
});

describe('JPEG encoder: round trip through jpeg-js', () => {
  test.each(LAYOUTS)(
    '%s photo-like image at quality 0.85: every plane ≥ 38 dB',
    (_, subX, subY) => {
      const p = photoPlanes(320, 240, subX, subY);
      const db = roundTrip(p, encodeJpegPlanes(p, 0.85));
      expect(db.y).toBeGreaterThanOrEqual(38);
      expect(db.u).toBeGreaterThanOrEqual(38);
      expect(db.v).toBeGreaterThanOrEqual(38);
    },
  );

  test('quality 1 is closer than 0.85, and 0.5 further', () => {
    const p = photoPlanes(160, 120, 1, 1);
    const hi = roundTrip(p, encodeJpegPlanes(p, 1));
    const mid = roundTrip(p, encodeJpegPlanes(p, 0.85));
    const lo = roundTrip(p, encodeJpegPlanes(p, 0.5));
    expect(hi.y).toBeGreaterThan(mid.y);
    expect(mid.y).toBeGreaterThan(lo.y);
    expect(hi.y).toBeGreaterThanOrEqual(45);
  });

  const sizes: [number, number][] = [
    [1, 1],
    [17, 9],
    [4001, 3],
    [3, 401],
    [8, 8],
    [15, 17],
    [33, 31],
  ];
  for (const [name, subX, subY] of LAYOUTS)
    test.each(sizes)(`${name} %i×%i: edge blocks repeat the last column and row`, (w, h) => {
      // Smooth content: a sharp disc 2 px across would measure the quantiser, not the edges.
      const p = photoPlanes(w, h, subX, subY, w * 31 + h, false);
      const db = roundTrip(p, encodeJpegPlanes(p, 0.85));
      // Padding by anything but repetition would put an edge into the block and cost here.
      expect(Math.min(db.y, db.u, db.v)).toBeGreaterThanOrEqual(38);
    });

  test('40 random sizes up to 70×70 in random layouts round-trip ≥ 38 dB', () => {
    let seed = 12345;
    const next = (n: number) => 1 + ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 40; i++) {
      const [, subX, subY] = LAYOUTS[next(3) - 1];
      const p = photoPlanes(next(70), next(70), subX, subY, i, false);
      const db = roundTrip(p, encodeJpegPlanes(p, 0.85));
      expect(
        Math.min(db.y, db.u, db.v),
        `${p.width}×${p.height} ${subX}${subY}`,
      ).toBeGreaterThanOrEqual(38);
    }
  });

  test('strides wider than the planes are honoured', () => {
    const p = photoPlanes(50, 30, 1, 1);
    const yStride = 64;
    const cStride = 32;
    const y = new Uint8Array(yStride * 30).fill(255);
    const u = new Uint8Array(cStride * 15).fill(0);
    const v = new Uint8Array(cStride * 15).fill(0);
    for (let j = 0; j < 30; j++) y.set(p.y.subarray(j * 50, j * 50 + 50), j * yStride);
    for (let j = 0; j < 15; j++) {
      u.set(p.u.subarray(j * 25, j * 25 + 25), j * cStride);
      v.set(p.v.subarray(j * 25, j * 25 + 25), j * cStride);
    }
    const file = encodeJpegPlanes({ ...p, y, u, v, yStride, cStride }, 0.85);
    expect(file).toEqual(encodeJpegPlanes(p, 0.85));
  });

  test.each(LAYOUTS)(
    '%s noise at quality 1, many bands: decodes exactly as encoded, within the output bound',
    (_, subX, subY) => {
      // 4000 wide: a band is a few MCU rows, so the scan crosses several band boundaries.
      const p = noisePlanes(4000, 120, subX, subY);
      const file = encodeJpegPlanes(p, 1);
      const blocks =
        Math.ceil(4000 / (8 << subX)) *
        Math.ceil(120 / (8 << subY)) *
        ((1 + subX) * (1 + subY) + 2);
      expect(parse(file).scan.length).toBeLessThan(blocks * BLOCK_BOUND);
      // Quality 1 quantises by 1: what is lost is the DCT's rounding.
      const db = roundTrip(p, file);
      expect(Math.min(db.y, db.u, db.v)).toBeGreaterThanOrEqual(40);
      expect(jpegRegionBytes(4000, subX, subY)).toBeLessThan(6 << 20);
    },
  );
});

/** Each symbol's code length in a table. */
function lengths(spec: HuffmanSpec): Map<number, number> {
  const out = new Map<number, number>();
  let k = 0;
  spec.counts.forEach((n, i) => {
    for (let j = 0; j < n; j++) out.set(spec.symbols[k++], i + 1);
  });
  expect(k).toBe(spec.symbols.length);
  return out;
}

/** A valid baseline table: lengths 1..16, room left for the all-ones code (Kraft sum < 1). */
function expectValid(spec: HuffmanSpec) {
  expect(spec.counts).toHaveLength(16);
  expect(new Set(spec.symbols).size).toBe(spec.symbols.length);
  const kraft = spec.counts.reduce((sum, n, i) => sum + n / 2 ** (i + 1), 0);
  expect(kraft).toBeLessThan(1);
}

/** Bits of the symbols alone (no extra bits) under a table. */
function cost(spec: HuffmanSpec, freq: number[]): number {
  const len = lengths(spec);
  return freq.reduce((sum, f, sym) => sum + (f ? f * (len.get(sym) ?? Infinity) : 0), 0);
}

describe('JPEG encoder: optimal Huffman tables (T.81 Annex K.2)', () => {
  test('every counted symbol gets a code, no other does; commoner symbols get codes no longer', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 50; round++) {
      const freq = Array.from({ length: 256 }, () =>
        rand() < 0.4 ? Math.floor(rand() ** 3 * 1e6) : 0,
      );
      freq[round] = 1 + round; // at least one
      const spec = optimalTable(freq);
      expectValid(spec);
      const len = lengths(spec);
      expect([...len.keys()].sort((a, b) => a - b)).toEqual(
        freq.flatMap((f, sym) => (f > 0 ? [sym] : [])),
      );
      for (const [a, la] of len)
        for (const [b, lb] of len) if (freq[a] > freq[b]) expect(la).toBeLessThanOrEqual(lb);
    }
  });

  test('lengths past 16 are brought within 16 (Fibonacci counts make a 40-deep tree)', () => {
    const freq = new Array<number>(256).fill(0);
    let [a, b] = [1, 1];
    for (let sym = 0; sym < 40; sym++) {
      freq[sym] = a;
      [a, b] = [b, a + b];
    }
    const spec = optimalTable(freq);
    expectValid(spec);
    expect(lengths(spec).size).toBe(40);
  });

  test('one symbol: one code of one bit (its all-ones twin is reserved)', () => {
    const freq = new Array<number>(256).fill(0);
    freq[0] = 1000;
    expect(optimalTable(freq)).toEqual({
      counts: [1, ...new Array<number>(15).fill(0)],
      symbols: [0],
    });
    expect(() => optimalTable(new Array<number>(256).fill(0))).toThrow(RangeError);
  });

  test('never costs more than the Annex K tables for the same counts', () => {
    let seed = 9;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const standard of [STANDARD_TABLES.acLuma, STANDARD_TABLES.acChroma]) {
      for (let round = 0; round < 20; round++) {
        const freq = new Array<number>(256).fill(0);
        for (const sym of standard.symbols) freq[sym] = Math.floor(rand() ** 4 * 1e5);
        freq[0] += 1;
        expect(cost(optimalTable(freq), freq)).toBeLessThanOrEqual(cost(standard, freq));
      }
    }
  });

  test.each(LAYOUTS)(
    '%s: the same pixels as with the Annex K tables, in a smaller file',
    (_, subX, subY) => {
      const p = photoPlanes(320, 240, subX, subY);
      const optimal = encodeJpegPlanes(p, 0.85);
      const standard = encodeJpegPlanes(p, 0.85, 1, false);
      expect(decodePlanes(optimal).data).toEqual(decodePlanes(standard).data);
      // The tables are the file's own, not Annex K's (whose DHT body holds all 348 symbols).
      expect(parse(standard).segments[3].body.length).toBe(4 * 17 + 2 * 12 + 2 * 162);
      expect(parse(optimal).segments[3].body).not.toEqual(parse(standard).segments[3].body);
      expect(optimal.length).toBeLessThan(standard.length * 0.97);
    },
  );

  test('a tall image is counted one MCU row in eight, and every symbol of the rest has a code', () => {
    // 130 MCU rows of noise with one flat stripe: the counted rows miss symbols the others hold.
    const p = noisePlanes(48, 2080, 1, 1);
    p.y.fill(128, 0, 48 * 16 * 8);
    const optimal = encodeJpegPlanes(p, 1);
    expect(decodePlanes(optimal).data).toEqual(decodePlanes(encodeJpegPlanes(p, 1, 1, false)).data);
    // Sampled counts give every possible AC symbol a code: 162 in each AC table.
    expect(dhtTables(optimal).map((t) => t.symbols)).toEqual([12, 162, 12, 162]);
  });

  test('noise across many bands keeps its exact decode with counted tables', () => {
    const p = noisePlanes(4000, 48, 1, 1);
    expect(decodePlanes(encodeJpegPlanes(p, 1)).data).toEqual(
      decodePlanes(encodeJpegPlanes(p, 1, 1, false)).data,
    );
  });
});
