/** What the first bytes of a file say, before anything is decoded. */
export interface ImageHeader {
  type: string;
  width: number;
  height: number;
  /** EXIF orientation 1–8 (JPEG); 1 where there is none. */
  orientation: number;
  /**
   * JPEG: its ICC profile (APP2 `ICC_PROFILE`), if any: `srgb` when its colorants are sRGB's
   * (Chromium's own encoder embeds such a profile), `other` for any other or one it cannot read.
   */
  colorProfile?: 'none' | 'srgb' | 'other';
}

/** `unknown`: no image signature this browser decodes; `corrupt`: the signature but no size. */
export type HeaderResult = ImageHeader | 'unknown' | 'corrupt';

type Parsed = ImageHeader | 'unknown' | 'corrupt' | { needBytes: number };

const FIRST_READ = 64 * 1024;

/** Reads only as much of the file as the size needs (JPEG metadata may come first). */
export async function readImageHeader(blob: Blob): Promise<HeaderResult> {
  let length = Math.min(blob.size, FIRST_READ);
  for (;;) {
    const bytes = new Uint8Array(await blob.slice(0, length).arrayBuffer());
    const parsed = parseHeader(bytes);
    if (typeof parsed === 'string' || !('needBytes' in parsed)) return parsed;
    if (length >= blob.size) return 'corrupt';
    length = Math.min(blob.size, Math.max(parsed.needBytes + FIRST_READ, length * 2));
  }
}

export function parseHeader(b: Uint8Array): Parsed {
  const ascii = (at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
  if (b.length < 12) return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 ? 'corrupt' : 'unknown';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return parseJpeg(b);
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n')
    return sized(b, 'image/png', be32(b, 16), be32(b, 20), 24);
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') {
    return sized(b, 'image/gif', le16(b, 6), le16(b, 8), 10);
  }
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return parseWebp(b, ascii(12, 4));
  if (ascii(4, 4) === 'ftyp' && /^(avif|avis|mif1|msf1)$/.test(ascii(8, 4))) return parseAvif(b);
  if (ascii(0, 2) === 'BM')
    return sized(b, 'image/bmp', le32(b, 18), Math.abs(le32(b, 22) | 0), 26);
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) {
    return sized(b, 'image/x-icon', b[6] || 256, b[7] || 256, 8);
  }
  return 'unknown';
}

function sized(b: Uint8Array, type: string, width: number, height: number, need: number): Parsed {
  if (b.length < need || width < 1 || height < 1) return 'corrupt';
  return { type, width, height, orientation: 1 };
}

function parseWebp(b: Uint8Array, chunk: string): Parsed {
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return sized(b, 'image/webp', le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff, 30);
  }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const width = 1 + (b[21] | ((b[22] & 0x3f) << 8));
    const height = 1 + ((b[22] >> 6) | (b[23] << 2) | ((b[24] & 0x0f) << 10));
    return sized(b, 'image/webp', width, height, 25);
  }
  if (chunk === 'VP8X') return sized(b, 'image/webp', 1 + le24(b, 24), 1 + le24(b, 27), 30);
  return 'corrupt';
}

/** AVIF: the image spatial extents property ('ispe') holds the size. */
function parseAvif(b: Uint8Array): Parsed {
  for (let i = 12; i + 16 <= b.length; i++) {
    if (b[i] === 0x69 && b[i + 1] === 0x73 && b[i + 2] === 0x70 && b[i + 3] === 0x65) {
      return sized(b, 'image/avif', be32(b, i + 8), be32(b, i + 12), i + 16);
    }
  }
  return b.length >= FIRST_READ ? 'corrupt' : { needBytes: b.length * 2 };
}

/** Walks JPEG segments to the frame header; EXIF (APP1) on the way gives the orientation. */
function parseJpeg(b: Uint8Array): Parsed {
  let orientation = 1;
  let colorProfile: 'none' | 'srgb' | 'other' = 'none';
  let at = 2;
  for (;;) {
    if (at + 9 > b.length) return { needBytes: at + 9 };
    if (b[at] !== 0xff) return 'corrupt';
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = be16(b, at + 2);
    if (isStartOfFrame(marker)) {
      const oriented =
        orientation >= 5 ? [be16(b, at + 5), be16(b, at + 7)] : [be16(b, at + 7), be16(b, at + 5)];
      const [width, height] = oriented as [number, number];
      if (!width || !height) return 'corrupt';
      return { type: 'image/jpeg', width, height, orientation, colorProfile };
    }
    if (marker === 0xe1 && at + 4 + length <= b.length) {
      orientation = exifOrientation(b.subarray(at + 4, at + 2 + length)) ?? orientation;
    }
    if (marker === 0xe2 && at + 2 + length <= b.length) {
      const payload = b.subarray(at + 4, at + 2 + length);
      if (String.fromCharCode(...payload.subarray(0, 12)) === 'ICC_PROFILE\0') {
        const profile = payload[13] === 1 ? iccProfileKind(payload.subarray(14)) : 'other';
        colorProfile = colorProfile === 'none' ? profile : 'other';
      }
    }
    if (marker === 0xd9 || marker === 0xda || length < 2) return 'corrupt';
    at += 2 + length;
  }
}

// sRGB's colorants adapted to D50, as every ICC profile states them (rXYZ, gXYZ, bXYZ).
const SRGB_COLORANTS: Record<string, [number, number, number]> = {
  rXYZ: [0.4361, 0.2225, 0.0139],
  gXYZ: [0.3851, 0.7169, 0.0971],
  bXYZ: [0.1431, 0.0606, 0.7141],
};

/** An RGB profile whose colorants are sRGB's within 0.005; anything else is `other`. */
export function iccProfileKind(p: Uint8Array): 'srgb' | 'other' {
  if (p.length < 132 || String.fromCharCode(...p.subarray(16, 20)) !== 'RGB ') return 'other';
  const count = be32(p, 128);
  let matched = 0;
  for (let i = 0; i < count && 144 + i * 12 <= p.length; i++) {
    const tag = 132 + i * 12;
    const expected = SRGB_COLORANTS[String.fromCharCode(...p.subarray(tag, tag + 4))];
    if (!expected) continue;
    const at = be32(p, tag + 4);
    if (at + 20 > p.length) return 'other';
    const xyz = [0, 1, 2].map((k) => (be32(p, at + 8 + k * 4) | 0) / 65536);
    if (xyz.some((v, k) => Math.abs(v - expected[k]) > 0.005)) return 'other';
    matched++;
  }
  return matched === 3 ? 'srgb' : 'other';
}

function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Orientation tag (0x0112) of IFD0 in an APP1 'Exif\0\0' payload, or null. */
export function exifOrientation(p: Uint8Array): number | null {
  if (p.length < 14 || String.fromCharCode(...p.subarray(0, 6)) !== 'Exif\0\0') return null;
  const t = p.subarray(6);
  const little = t[0] === 0x49;
  const u16 = (i: number) => (little ? le16(t, i) : be16(t, i));
  const u32 = (i: number) => (little ? le32(t, i) : be32(t, i));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return null;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > t.length) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const be32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le32 = (b: Uint8Array, i: number) =>
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
