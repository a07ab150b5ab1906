import { describe, expect, test } from 'vitest';
import { context2d } from '../../../../src/blur/blurOnCanvas';
import { blurJpegPlanes } from '../../../../src/blur/blurJpegPlanes';
import { engineByName } from '../../../../src/blur/chooseEngine';
import { encodeCanvas } from '../../../../src/blur/encodeImage';
import { blurBlob, decodeImage } from '../../../../src/blur/index';
import {
  encodeJpegPlanes,
  ijgQuality,
  NATURAL_ORDER,
  quantTables,
} from '../../../../src/blur/jpegEncoder';
import { header, photoJpeg, psnrRgb } from './planeFixtures';

// The JPEG encoded from the blurred planes (jpegEncoder.ts), as Chromium reads it, and blurBlob's
// end-to-end result on that path against the RGBA path.

function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / a.length));
}

/** Marker segments up to SOS: [marker, body]. */
function segments(file: Uint8Array): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  for (let at = 2; ;) {
    const marker = file[at + 1];
    const length = (file[at + 2] << 8) | file[at + 3];
    out.push([marker, file.subarray(at + 4, at + 2 + length)]);
    at += 2 + length;
    if (marker === 0xda) return out;
  }
}

function dqt(file: Uint8Array): Uint8Array[] {
  const tables: Uint8Array[] = [];
  for (const [marker, body] of segments(file))
    if (marker === 0xdb)
      for (let k = 0; k < body.length; k += 65) {
        const natural = new Uint8Array(64);
        for (let i = 0; i < 64; i++) natural[NATURAL_ORDER[i]] = body[k + 1 + i];
        tables[body[k] & 15] = natural;
      }
  return tables;
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());
const samplingOf = (file: Uint8Array) => segments(file).find(([m]) => m === 0xc0)![1][7];

/** Smooth planes with an edge, in the layout's sizes. */
function planes(width: number, height: number, subX: 0 | 1, subY: 0 | 1) {
  const cw = subX ? (width + 1) >> 1 : width;
  const ch = subY ? (height + 1) >> 1 : height;
  const y = new Uint8Array(width * height);
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++)
      y[j * width + i] = 100 + 70 * Math.sin(i / 17) * Math.cos(j / 23) + (i > width / 2 ? 30 : 0);
  for (let j = 0; j < ch; j++)
    for (let i = 0; i < cw; i++) {
      u[j * cw + i] = 128 + 40 * Math.sin((i + j) / 15);
      v[j * cw + i] = 128 + 35 * Math.cos((i - j) / 21);
    }
  return { y, u, v, width, height, subX, subY };
}

describe('JPEG encoder in Chromium', () => {
  test.each([
    ['I420', 1, 1],
    ['I422', 1, 0],
    ['I444', 0, 0],
  ] as const)(
    'Chromium decodes it: ImageDecoder gives %s planes ≥ 38 dB',
    async (format, sx, sy) => {
      const p = planes(203, 117, sx, sy);
      const file = encodeJpegPlanes(p, 0.85);
      const bitmap = await createImageBitmap(new Blob([file], { type: 'image/jpeg' }));
      expect([bitmap.width, bitmap.height]).toEqual([203, 117]);
      bitmap.close();
      const decoder = new ImageDecoder({ data: file, type: 'image/jpeg' });
      const { image } = await decoder.decode();
      try {
        expect(image.format).toBe(format);
        const cw = sx ? 102 : 203;
        const ch = sy ? 59 : 117;
        const buffer = new Uint8Array(203 * 117 + 2 * cw * ch);
        await image.copyTo(buffer, {
          layout: [
            { offset: 0, stride: 203 },
            { offset: 203 * 117, stride: cw },
            { offset: 203 * 117 + cw * ch, stride: cw },
          ],
        });
        expect(psnr(buffer.subarray(0, 203 * 117), p.y)).toBeGreaterThanOrEqual(38);
        expect(psnr(buffer.subarray(203 * 117, 203 * 117 + cw * ch), p.u)).toBeGreaterThanOrEqual(
          38,
        );
        expect(psnr(buffer.subarray(203 * 117 + cw * ch), p.v)).toBeGreaterThanOrEqual(38);
      } finally {
        image.close();
        decoder.close();
      }
    },
  );

  test.each([0.5, 0.85, 0.92, 1])(
    'quantisation tables at quality %d are the ones Chromium’s encoder writes',
    async (q) => {
      const canvas = new OffscreenCanvas(16, 16);
      context2d(canvas).fillRect(0, 0, 8, 8);
      const theirs = dqt(
        await bytesOf(await canvas.convertToBlob({ type: 'image/jpeg', quality: q })),
      );
      const ours = quantTables(ijgQuality(q));
      expect([...theirs[0]]).toEqual([...ours.luma]);
      expect([...theirs[1]]).toEqual([...ours.chroma]);
    },
  );
});

describe('blurBlob through the JPEG encoder', () => {
  test.each([2, 8])(
    'σ %d: the result matches the RGBA path ≥ 38 dB; size within 0.5–2× the canvas encoder’s',
    async (sigma) => {
      const [w, h] = [640, 424];
      const jpeg = await photoJpeg(w, h, 0.95, { noise: false });
      const out = await blurBlob(jpeg, { sigma, engine: 'wasm-relaxed-simd' });
      expect([out.width, out.height, out.blob.type]).toEqual([w, h, 'image/jpeg']);
      // Encoded from the planes: one DQT segment holding both tables (libjpeg writes two).
      const file = await bytesOf(out.blob);
      expect(segments(file).filter(([m]) => m === 0xdb)).toHaveLength(1);
      const ours = (await decodeImage(out.blob)).pixels;
      const rgba = await blurBlob(jpeg, { sigma, engine: 'js', type: 'image/png' });
      expect(psnrRgb(ours, (await decodeImage(rgba.blob)).pixels)).toBeGreaterThanOrEqual(38);
      // The same planes through the canvas and Chromium's encoder, at the same quality.
      const viaCanvas = await blurJpegPlanes(
        jpeg,
        await header(jpeg),
        engineByName('wasm-relaxed-simd'),
        () => sigma,
        { type: 'image/png' },
      );
      const theirs = await encodeCanvas(viaCanvas!.canvas!, { quality: 0.85, hasAlpha: false });
      const ratio = out.blob.size / theirs.size;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    },
  );

  test.each([3, 6, 2, 5, 8])(
    'EXIF orientation %d: stored as decoded with the orientation, shown as the RGBA path',
    async (o) => {
      const source = new Uint8Array(
        await (await photoJpeg(96, 64, 0.95, { noise: false })).arrayBuffer(),
      );
      const jpeg = withOrientation(source, o);
      const h = await header(jpeg);
      const out = await blurBlob(jpeg, { sigma: 2, engine: 'wasm-relaxed-simd' });
      expect([out.width, out.height]).toEqual([h.width, h.height]);
      const written = await header(out.blob);
      expect([written.orientation, written.width, written.height]).toEqual([o, h.width, h.height]);
      // createImageBitmap applies it (decodeImage), as viewers do.
      const shown = await decodeImage(out.blob);
      expect([shown.width, shown.height]).toEqual([h.width, h.height]);
      const rgba = await blurBlob(jpeg, { sigma: 2, engine: 'js', type: 'image/png' });
      expect(psnrRgb(shown.pixels, (await decodeImage(rgba.blob)).pixels)).toBeGreaterThanOrEqual(
        35,
      );
    },
  );

  test('a 4:4:4 JPEG stays 4:4:4 (Chromium’s encoder would write 4:2:0 at 0.85)', async () => {
    const jpeg = await photoJpeg(320, 212, 1, { noise: false });
    expect(samplingOf(await bytesOf(jpeg))).toBe(0x11);
    const out = await blurBlob(jpeg, { sigma: 4, engine: 'wasm-relaxed-simd' });
    expect(samplingOf(await bytesOf(out.blob))).toBe(0x11);
    const canvasOut = await blurBlob(jpeg, { sigma: 4, engine: 'js' });
    expect(samplingOf(await bytesOf(canvasOut.blob))).toBe(0x22);
    const rgba = await blurBlob(jpeg, { sigma: 4, engine: 'js', type: 'image/png' });
    const [a, b] = await Promise.all([decodeImage(out.blob), decodeImage(rgba.blob)]);
    expect(psnrRgb(a.pixels, b.pixels)).toBeGreaterThanOrEqual(38);
  });

  test('quality is honoured: 0.5 gives a smaller file than 1', async () => {
    const jpeg = await photoJpeg(320, 212, 0.95, { noise: false });
    const lo = await blurBlob(jpeg, { sigma: 2, quality: 0.5, engine: 'wasm-simd' });
    const hi = await blurBlob(jpeg, { sigma: 2, quality: 1, engine: 'wasm-simd' });
    expect(lo.blob.size).toBeLessThan(hi.blob.size);
    expect([...dqt(await bytesOf(lo.blob))[0]]).toEqual([...quantTables(50).luma]);
  });

  test('a bad quality is refused with invalid-argument, as before', async () => {
    const jpeg = await photoJpeg(64, 48, 0.95, { noise: false });
    await expect(blurBlob(jpeg, { sigma: 2, quality: 2 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });

  test('progress: 0.1, the blur to 0.9, the encode’s bands, then 1; monotonic', async () => {
    const seen: number[] = [];
    await blurBlob(await photoJpeg(1600, 1200, 0.95, { noise: false }), {
      sigma: 8,
      engine: 'wasm-relaxed-simd',
      onProgress: (f) => seen.push(f),
    });
    expect(seen[0]).toBe(0.1);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.filter((f) => f > 0.9 && f < 1).length).toBeGreaterThan(2);
  });

  test('aborted during the encode: rejects with the reason', async () => {
    const jpeg = await photoJpeg(1600, 1200, 0.95, { noise: false });
    const controller = new AbortController();
    const seen: number[] = [];
    const run = blurBlob(jpeg, {
      sigma: 8,
      engine: 'wasm-relaxed-simd',
      signal: controller.signal,
      onProgress: (f) => {
        seen.push(f);
        if (f > 0.9 && f < 1) controller.abort(new Error('stop encoding'));
      },
    });
    await expect(run).rejects.toThrow('stop encoding');
    expect(seen.filter((f) => f > 0.9)).toHaveLength(1);
    // The memory was handed back: the next call works.
    const out = await blurBlob(jpeg, { sigma: 8, engine: 'wasm-relaxed-simd' });
    expect(out.blob.size).toBeGreaterThan(0);
  });
});

/** Inserts an EXIF APP1 segment carrying `orientation` right after the JPEG's SOI marker. */
function withOrientation(jpeg: Uint8Array<ArrayBuffer>, orientation: number): Blob {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff, orientation, 0, 0, 0, 0, 0, 0];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
  return new Blob([jpeg.slice(0, 2), new Uint8Array(app1), jpeg.slice(2)], { type: 'image/jpeg' });
}
