import { describe, expect, test } from 'vitest';
import { readImageHeader } from '../../../src/blur/readImageHeader';

const bytes = (...parts: Array<number[] | string>) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );
const be16 = (n: number) => [n >> 8, n & 255];
const be32 = (n: number) => [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, n >> 8];
const le24 = (n: number) => [n & 255, (n >> 8) & 255, n >> 16];

function jpeg(width: number, height: number, segments: number[][] = []): Uint8Array {
  const sof = [
    0xff,
    0xc0,
    ...be16(17),
    8,
    ...be16(height),
    ...be16(width),
    3,
    ...new Array<number>(9).fill(0),
  ];
  return bytes([0xff, 0xd8], ...segments, sof, [0xff, 0xda, 0, 2, 0xff, 0xd9]);
}

function exifSegment(orientation: number): number[] {
  const tiff = [
    ...bytes(
      'MM',
      [0, 42],
      be32(8),
      be16(1),
      be16(0x0112),
      be16(3),
      be32(1),
      be16(orientation),
      [0, 0],
      be32(0),
    ),
  ];
  const payload = [...bytes('Exif\0\0'), ...tiff];
  return [0xff, 0xe1, ...be16(payload.length + 2), ...payload];
}

const blob = (b: Uint8Array) => new Blob([b.slice()]);

describe('readImageHeader', () => {
  test('PNG size from IHDR', async () => {
    const png = bytes(
      [0x89],
      'PNG\r\n\x1a\n',
      be32(13),
      'IHDR',
      be32(4000),
      be32(3000),
      [8, 6, 0, 0, 0],
    );
    expect(await readImageHeader(blob(png))).toMatchObject({
      type: 'image/png',
      width: 4000,
      height: 3000,
    });
  });

  test('GIF logical screen size', async () => {
    const gif = bytes('GIF89a', le16(640), le16(480), [0, 0, 0, 0]);
    expect(await readImageHeader(blob(gif))).toMatchObject({
      type: 'image/gif',
      width: 640,
      height: 480,
    });
  });

  test('WebP extended (VP8X) canvas size', async () => {
    const webp = bytes(
      'RIFF',
      [0, 0, 0, 0],
      'WEBPVP8X',
      [10, 0, 0, 0],
      [0, 0, 0, 0],
      le24(8191),
      le24(5999),
    );
    expect(await readImageHeader(blob(webp))).toMatchObject({
      type: 'image/webp',
      width: 8192,
      height: 6000,
    });
  });

  test('AVIF size from ispe', async () => {
    const avif = bytes(
      be32(24),
      'ftypavif',
      be32(0),
      'mif1miaf',
      be32(20),
      'ispe',
      be32(0),
      be32(1920),
      be32(1080),
    );
    expect(await readImageHeader(blob(avif))).toMatchObject({
      type: 'image/avif',
      width: 1920,
      height: 1080,
    });
  });

  test('JPEG size, and EXIF orientation 6 swaps width and height', async () => {
    expect(await readImageHeader(blob(jpeg(4000, 3000)))).toEqual({
      type: 'image/jpeg',
      width: 4000,
      height: 3000,
      orientation: 1,
      colorProfile: 'none',
    });
    expect(await readImageHeader(blob(jpeg(4000, 3000, [exifSegment(6)])))).toEqual({
      type: 'image/jpeg',
      width: 3000,
      height: 4000,
      orientation: 6,
      colorProfile: 'none',
    });
  });

  test('JPEG ICC profile: sRGB colorants, other colorants, unreadable', async () => {
    const fixed = (v: number) => be32(Math.round(v * 65536) >>> 0);
    const profile = (colorants: number[][]) => {
      const names = ['rXYZ', 'gXYZ', 'bXYZ'];
      const tags = names.map((name, i) => [...bytes(name), ...be32(168 + i * 20), ...be32(20)]);
      const data = colorants.map((xyz) => [...bytes('XYZ '), 0, 0, 0, 0, ...xyz.flatMap(fixed)]);
      const head = new Array<number>(128).fill(0);
      head.splice(16, 4, ...bytes('RGB '));
      return [...head, ...be32(3), ...tags.flat(), ...data.flat()];
    };
    const segment = (p: number[]) => {
      const payload = [...bytes('ICC_PROFILE'), 0, 1, 1, ...p];
      return [0xff, 0xe2, ...be16(payload.length + 2), ...payload];
    };
    const srgb = [
      [0.4361, 0.2225, 0.0139],
      [0.3851, 0.7169, 0.0971],
      [0.1431, 0.0606, 0.7141],
    ];
    const p3 = [
      [0.5151, 0.2412, -0.0011],
      [0.292, 0.6922, 0.0419],
      [0.1571, 0.0666, 0.7841],
    ];
    const kind = async (segments: number[][]) =>
      ((await readImageHeader(blob(jpeg(40, 30, segments)))) as { colorProfile?: string })
        .colorProfile;
    expect(await kind([segment(profile(srgb))])).toBe('srgb');
    expect(await kind([segment(profile(p3))])).toBe('other');
    expect(await kind([segment(new Array<number>(20).fill(0))])).toBe('other');
    expect(await kind([])).toBe('none');
  });

  test('JPEG whose frame header comes after 200 KB of metadata', async () => {
    const app2 = (n: number) => [0xff, 0xe2, ...be16(n + 2), ...new Array<number>(n).fill(7)];
    const big = jpeg(9000, 7000, [app2(65000), app2(65000), app2(65000), app2(20000)]);
    expect(await readImageHeader(blob(big))).toMatchObject({ width: 9000, height: 7000 });
  });

  test('unknown bytes and truncated JPEG', async () => {
    expect(await readImageHeader(blob(bytes('hello, this is plain text')))).toBe('unknown');
    expect(await readImageHeader(blob(jpeg(10, 10).subarray(0, 8)))).toBe('corrupt');
    expect(
      await readImageHeader(blob(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3, 4, 5, 6]))),
    ).toBe('corrupt');
  });
});
