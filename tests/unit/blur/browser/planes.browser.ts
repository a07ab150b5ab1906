import { describe, expect, test } from 'vitest';
import { context2d } from '../../../../src/blur/blurOnCanvas';
import { blurJpegPlanes, planesApply } from '../../../../src/blur/blurJpegPlanes';
import { createBlurPool } from '../../../../src/blur/createBlurPool';
import { engineByName } from '../../../../src/blur/chooseEngine';
import { BlurError, blurBlob, decodeImage } from '../../../../src/blur/index';
import { makeBadImages } from '../../../fuzz/badImages';
import { header, photoJpeg, psnrRgb } from './planeFixtures';

// The JPEG plane path (blurJpegPlanes.ts): ImageDecoder's I420 planes blurred in WASM. These
// tests ask it for a canvas (`type: 'image/png'`), to compare the blur itself; the JPEG it
// encodes from the planes is tested in planesJpeg.browser.ts.
const CANVAS = { type: 'image/png' } as const;

function pixelsOf(canvas: OffscreenCanvas) {
  return context2d(canvas).getImageData(0, 0, canvas.width, canvas.height).data;
}

/** Mean absolute horizontal + vertical difference of neighbouring samples, over R, G, B. */
function meanGradient(px: Uint8ClampedArray, w: number, h: number): number {
  let sum = 0;
  for (let y = 0; y < h - 1; y++)
    for (let x = 0; x < w - 1; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 4 + c;
        sum += Math.abs(px[i] - px[i + 4]) + Math.abs(px[i] - px[i + w * 4]);
      }
  return sum / ((w - 1) * (h - 1) * 3);
}

const relaxed = () => engineByName('wasm-relaxed-simd');

describe('blurJpegPlanes', () => {
  test('applies to JPEGs only, with a WASM engine, sigma ≥ 1 and no ICC profile but sRGB', async () => {
    const h = await header(await photoJpeg(64, 48));
    expect(planesApply(h, relaxed(), 4)).toBe(true);
    expect(planesApply(h, engineByName('js'), 4)).toBe(false);
    expect(planesApply(h, relaxed(), 0.5)).toBe(false);
    expect(h.colorProfile).toBe('srgb'); // Chromium's encoder embeds sRGB's profile
    expect(planesApply({ ...h, colorProfile: 'other' }, relaxed(), 4)).toBe(false);
    expect(planesApply({ ...h, type: 'image/png' }, relaxed(), 4)).toBe(false);
  });

  test.each([2, 8, 24])(
    'matches the RGBA path within 40 dB at sigma %d, and is a blur',
    async (sigma) => {
      const [w, h] = [640, 424];
      const jpeg = await photoJpeg(w, h);
      const planes = await blurJpegPlanes(jpeg, await header(jpeg), relaxed(), () => sigma, CANVAS);
      expect(planes).not.toBeNull();
      expect([planes?.width, planes?.height]).toEqual([w, h]);
      const ours = pixelsOf(planes!.canvas!);
      // The RGBA path: the canvas decode, the same kernel on RGBA (the plain JS engine is the
      // same algorithm and never takes the plane path).
      const rgba = await blurBlob(jpeg, { sigma, engine: 'js', type: 'image/png' });
      const reference = (await decodeImage(rgba.blob)).pixels;
      expect(psnrRgb(ours, reference)).toBeGreaterThanOrEqual(40);
      const source = (await decodeImage(jpeg)).pixels;
      expect(meanGradient(ours, w, h)).toBeLessThan(0.5 * meanGradient(source, w, h));
    },
  );

  test('takes a 4:4:4 JPEG (I444 frame; Chromium writes one at quality 1) as well', async () => {
    const [w, h] = [320, 212];
    const jpeg = await photoJpeg(w, h, 1);
    const decoder = new ImageDecoder({ data: await jpeg.arrayBuffer(), type: 'image/jpeg' });
    const { image } = await decoder.decode();
    expect(image.format).toBe('I444');
    image.close();
    decoder.close();
    const planes = await blurJpegPlanes(jpeg, await header(jpeg), relaxed(), () => 6, CANVAS);
    expect(planes).not.toBeNull();
    const rgba = await blurBlob(jpeg, { sigma: 6, engine: 'js', type: 'image/png' });
    const reference = (await decodeImage(rgba.blob)).pixels;
    expect(psnrRgb(pixelsOf(planes!.canvas!), reference)).toBeGreaterThanOrEqual(40);
  });

  test.each([
    [101, 77],
    [33, 2],
    [3, 3],
  ])('handles an odd-sized %dx%d JPEG (or declines it)', async (w, h) => {
    const jpeg = await photoJpeg(w, h);
    const planes = await blurJpegPlanes(jpeg, await header(jpeg), relaxed(), () => 2, CANVAS);
    if (planes?.canvas) expect([planes.canvas.width, planes.canvas.height]).toEqual([w, h]);
    const out = await blurBlob(jpeg, { sigma: 2 });
    expect([out.width, out.height]).toEqual([w, h]);
    const back = await decodeImage(out.blob);
    const reference = await blurBlob(jpeg, { sigma: 2, engine: 'js', type: 'image/png' });
    expect(psnrRgb(back.pixels, (await decodeImage(reference.blob)).pixels)).toBeGreaterThan(30);
  });

  test.each([3, 6, 2, 5])('applies EXIF orientation %d as the RGBA path does', async (o) => {
    const jpeg = withOrientation(new Uint8Array(await (await photoJpeg(96, 64)).arrayBuffer()), o);
    const h = await header(jpeg);
    const planes = await blurJpegPlanes(jpeg, h, relaxed(), () => 2, CANVAS);
    expect(planes).not.toBeNull();
    expect([planes?.width, planes?.height]).toEqual([h.width, h.height]);
    const rgba = await blurBlob(jpeg, { sigma: 2, engine: 'js', type: 'image/png' });
    const reference = (await decodeImage(rgba.blob)).pixels;
    expect(psnrRgb(pixelsOf(planes!.canvas!), reference)).toBeGreaterThanOrEqual(35);
  });

  test('blurBlob takes it for a JPEG: progress 0.1, then the blur, then 1', async () => {
    const seen: number[] = [];
    const out = await blurBlob(await photoJpeg(800, 600), {
      level: 2,
      engine: 'wasm-relaxed-simd',
      onProgress: (f) => seen.push(f),
    });
    expect([out.width, out.height, out.blob.type]).toEqual([800, 600, 'image/jpeg']);
    expect(seen[0]).toBe(0.1);
    // The RGBA path blurs 0.5 MP in two bands (4 reports); the planes, with the encoder counting
    // its Huffman symbols in bands of their own, make 12 reports.
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  test('runs in the pool worker too (ImageDecoder in a dedicated worker)', async () => {
    const pool = createBlurPool({ size: 1 });
    try {
      const seen: number[] = [];
      const out = await pool.blurBlob(undefined, await photoJpeg(800, 600), {
        sigma: 4,
        engine: 'wasm-relaxed-simd',
        onProgress: (f) => seen.push(f),
      });
      expect([out.width, out.height, out.blob.type]).toEqual([800, 600, 'image/jpeg']);
      // The RGBA path blurs 0.5 MP in two bands (4 reports); the planes, with the encoder counting
      // its Huffman symbols in bands of their own, make 12 reports.
      // Every report reaches the caller before the answer (they cross on another port).
      expect(seen.length).toBeGreaterThan(4);
      expect(seen.at(-1)).toBeGreaterThanOrEqual(0.9);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    } finally {
      pool.terminate();
    }
  });

  test('rejects with the reason when aborted during the blur', async () => {
    const jpeg = await photoJpeg(1600, 1200);
    const controller = new AbortController();
    const run = blurJpegPlanes(jpeg, await header(jpeg), relaxed(), () => 8, {
      signal: controller.signal,
      onProgress: (f) => f > 0.1 && controller.abort(new Error('stop')),
    });
    await expect(run).rejects.toThrow('stop');
  });

  test('rejects at once when aborted during the decode', async () => {
    const jpeg = await photoJpeg(1600, 1200);
    const controller = new AbortController();
    const run = blurBlob(jpeg, { sigma: 8, signal: controller.signal });
    queueMicrotask(() => controller.abort(new Error('early')));
    await expect(run).rejects.toThrow('early');
  });

  test('bad JPEGs through blurBlob: each blurs or is refused with a BlurError', async () => {
    const files = (await makeBadImages(80)).filter((f) => f.type === 'image/jpeg');
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const outcome = await blurBlob(new Blob([file.bytes], { type: file.type }), {
        sigma: 2,
      }).then(
        () => 'blurred',
        (e: unknown) => (e instanceof BlurError ? e.code : String(e)),
      );
      expect(['blurred', 'corrupt-image', 'not-an-image', 'too-large', 'empty-file']).toContain(
        outcome,
      );
    }
  });
});

/** Inserts an EXIF APP1 segment carrying `orientation` right after the JPEG's SOI marker. */
function withOrientation(jpeg: Uint8Array<ArrayBuffer>, orientation: number): Blob {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff, orientation, 0, 0, 0, 0, 0, 0];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
  return new Blob([jpeg.slice(0, 2), new Uint8Array(app1), jpeg.slice(2)], { type: 'image/jpeg' });
}
