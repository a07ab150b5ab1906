import { describe, expect, test } from 'vitest';
import type { EngineName } from '../../../../src/blur/BlurEngine';
import { context2d } from '../../../../src/blur/blurOnCanvas';
import { availableEngines } from '../../../../src/blur/chooseEngine';
import { blurBlob, decodeImage, encodeImage, gaussianBlur } from '../../../../src/blur/index';
import { exactGaussian, makeTestImage, psnrPremultiplied, psnrStraight } from '../testImage';

test('runs in Chromium with every engine available', () => {
  console.log(navigator.userAgent);
  expect(availableEngines().map((e) => e.name)).toEqual([
    'wasm-relaxed-simd',
    'wasm-simd',
    'js',
    'canvas-filter',
  ]);
});

test.each([2, 8, 24])(
  'relaxed SIMD is within 45 dB of the exact Gaussian at sigma %d',
  async (sigma) => {
    const [w, h] = [320, 240];
    const img = makeTestImage(w, h);
    const exact = exactGaussian(img, w, h, sigma);
    const out = await gaussianBlur(img.slice(), w, h, sigma, { engine: 'wasm-relaxed-simd' });
    expect(psnrPremultiplied(out, exact)).toBeGreaterThanOrEqual(45);
    expect(psnrStraight(out, exact, 16)).toBeGreaterThanOrEqual(45);
  },
);

/** A 40×20 JPEG, red on the left half and blue on the right. */
async function twoColourJpeg(): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(40, 20);
  const ctx = context2d(canvas);
  ctx.fillStyle = '#f00';
  ctx.fillRect(0, 0, 20, 20);
  ctx.fillStyle = '#00f';
  ctx.fillRect(20, 0, 20, 20);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
  return new Uint8Array(await blob.arrayBuffer());
}

/** Inserts an EXIF APP1 segment carrying `orientation` right after the JPEG's SOI marker. */
function withOrientation(jpeg: Uint8Array<ArrayBuffer>, orientation: number): Blob {
  const tiff = [
    0x4d,
    0x4d,
    0,
    42,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
  return new Blob([jpeg.slice(0, 2), new Uint8Array(app1), jpeg.slice(2)], { type: 'image/jpeg' });
}

describe('decodeImage', () => {
  test('applies EXIF orientation 6 (rotate 90° clockwise): left becomes top', async () => {
    const image = await decodeImage(withOrientation(await twoColourJpeg(), 6));
    expect([image.width, image.height, image.type]).toEqual([20, 40, 'image/jpeg']);
    const at = (x: number, y: number) =>
      Array.from(image.pixels.subarray((y * 20 + x) * 4, (y * 20 + x) * 4 + 3));
    expect(at(10, 5)[0]).toBeGreaterThan(200); // red on top
    expect(at(10, 35)[2]).toBeGreaterThan(200); // blue below
  });

  test('refuses an empty file, text, damaged data and an image above the limit', async () => {
    await expect(decodeImage(new Blob([]))).rejects.toMatchObject({ code: 'empty-file' });
    await expect(decodeImage(new Blob(['just some text']))).rejects.toMatchObject({
      code: 'not-an-image',
    });
    const jpeg = await twoColourJpeg();
    const damaged = jpeg.slice();
    damaged.fill(0x55, 20, damaged.length); // header markers survive, the data does not
    await expect(decodeImage(new Blob([damaged]))).rejects.toMatchObject({ code: 'corrupt-image' });
    const tooLarge = decodeImage(new Blob([jpeg]), { maxPixels: 500 });
    await expect(tooLarge).rejects.toMatchObject({ code: 'too-large' });
    await expect(tooLarge).rejects.toThrow(
      'The image is 40×20 (0.0 MP), above the limit of 0.0 MP.',
    );
  });

  test('refuses from the header alone: a PNG claiming 100 000 × 100 000 pixels', async () => {
    const ihdr = [0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    const size = [0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 6, 0, 0, 0];
    const error = await decodeImage(new Blob([new Uint8Array([...ihdr, ...size])])).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'too-large', details: { width: 100000, height: 100000 } });
    expect(String(error)).toContain('100000×100000 (10000.0 MP), above the limit of 50.0 MP');
  });

  test('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const run = decodeImage(new Blob([await twoColourJpeg()]), { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(run).rejects.toThrow('cancelled');
  });
});

describe('encodeImage', () => {
  test('PNG round-trips exactly; JPEG and WebP have their types', async () => {
    const [w, h] = [64, 48];
    const px = makeTestImage(w, h).map((v, i) => (i % 4 === 3 ? 255 : v)); // opaque: no premultiply loss
    const png = await encodeImage(px.slice(), w, h, { type: 'image/png' });
    expect(png.type).toBe('image/png');
    expect((await decodeImage(png)).pixels).toEqual(px);
    expect((await encodeImage(px.slice(), w, h)).type).toBe('image/jpeg');
    expect((await encodeImage(px.slice(), w, h, { type: 'image/webp' })).type).toBe('image/webp');
  });

  test('JPEG lays transparency on white', async () => {
    const px = new Uint8ClampedArray(16 * 16 * 4); // all transparent
    const jpeg = await encodeImage(px, 16, 16);
    const back = await decodeImage(jpeg);
    expect(Math.min(...back.pixels)).toBeGreaterThan(245);
  });

  test('refuses an unknown type', async () => {
    const px = new Uint8ClampedArray(4);
    await expect(encodeImage(px, 1, 1, { type: 'image/gif' as 'image/png' })).rejects.toMatchObject(
      {
        code: 'invalid-argument',
      },
    );
  });
});

describe('blurBlob', () => {
  test.each<EngineName>(['wasm-relaxed-simd', 'wasm-simd', 'js', 'canvas-filter'])(
    'blurs a file with %s: same size, smooth result, progress to 1',
    async (engine) => {
      const source = await encodeImage(makeTestImage(300, 200), 300, 200, { type: 'image/png' });
      const seen: number[] = [];
      const out = await blurBlob(source, {
        level: 2,
        type: 'image/png',
        engine,
        onProgress: (f) => seen.push(f),
      });
      expect([out.width, out.height, out.blob.type, out.engine]).toEqual([
        300,
        200,
        'image/png',
        engine,
      ]);
      expect(out.sigma).toBeCloseTo(2.4, 5);
      expect(seen.at(-1)).toBe(1);
      const blurred = await decodeImage(out.blob);
      const exact = exactGaussian((await decodeImage(source)).pixels, 300, 200, out.sigma);
      // The canvas filter is an approximation of its own; ours must meet the 45 dB bar.
      const bar = engine === 'canvas-filter' ? 30 : 45;
      expect(psnrPremultiplied(blurred.pixels, exact)).toBeGreaterThanOrEqual(bar);
    },
  );

  test('rejects with the reason when aborted during the blur', async () => {
    const source = await encodeImage(makeTestImage(1200, 1000), 1200, 1000, { type: 'image/png' });
    const controller = new AbortController();
    const run = blurBlob(source, {
      sigma: 5,
      signal: controller.signal,
      engine: 'wasm-simd',
      onProgress: (f) => f > 0.1 && controller.abort(new Error('stop')),
    });
    await expect(run).rejects.toThrow('stop');
  });
});
