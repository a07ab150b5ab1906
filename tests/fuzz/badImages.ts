/**
 * Generated bad image files for fuzzing the decoder and the app: truncated and bit-flipped
 * JPEG/PNG/WebP, wrong extensions, zero bytes, and headers announcing huge dimensions.
 * Deterministic (seeded), so a failure can be replayed. Runs in a browser (it encodes its seeds
 * with OffscreenCanvas).
 */
export interface BadImage {
  name: string;
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
  kind:
    'truncated' | 'bit-flipped' | 'wrong-extension' | 'zero-bytes' | 'huge-header' | 'not-an-image';
}

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seedImage(type: string): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(96, 64);
  const ctx = canvas.getContext('2d')!;
  const g = ctx.createLinearGradient(0, 0, 96, 64);
  g.addColorStop(0, '#c33');
  g.addColorStop(1, '#36c');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 96, 64);
  ctx.fillStyle = '#fff';
  ctx.fillText('fuzz', 10, 30);
  const blob = await canvas.convertToBlob({ type, quality: 0.8 });
  return new Uint8Array(await blob.arrayBuffer());
}

export function hugeJpeg(): Uint8Array<ArrayBuffer> {
  // SOI, then a baseline SOF0 announcing 60000×60000, then EOI.
  return Uint8Array.from([
    0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xea, 0x60, 0xea, 0x60, 0x03, 1, 0x22, 0, 2, 0x11, 1,
    3, 0x11, 1, 0xff, 0xd9,
  ]);
}

export function hugePng(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, 100_000);
  new DataView(bytes.buffer).setUint32(20, 100_000);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

export function hugeGif(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x3b,
  ]);
}

export function truncate(
  bytes: Uint8Array<ArrayBuffer>,
  random: () => number,
): Uint8Array<ArrayBuffer> {
  return bytes.slice(0, Math.max(1, Math.floor(random() * bytes.length * 0.9)));
}

export function flipBits(
  bytes: Uint8Array<ArrayBuffer>,
  random: () => number,
): Uint8Array<ArrayBuffer> {
  const copy = bytes.slice();
  const flips = 1 + Math.floor(random() * 40);
  for (let i = 0; i < flips; i++)
    copy[Math.floor(random() * copy.length)] ^= 1 << Math.floor(random() * 8);
  return copy;
}

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** `count` bad files (200 by default), the same for the same seed. */
export async function makeBadImages(count = 200, seed = 1234): Promise<BadImage[]> {
  const random = prng(seed);
  const seeds = await Promise.all(
    Object.keys(EXT).map(async (type) => ({ type, bytes: await seedImage(type) })),
  );
  const fixed: BadImage[] = [
    { name: 'empty.jpg', type: 'image/jpeg', bytes: new Uint8Array(0), kind: 'zero-bytes' },
    { name: 'empty.png', type: 'image/png', bytes: new Uint8Array(0), kind: 'zero-bytes' },
    { name: 'huge.jpg', type: 'image/jpeg', bytes: hugeJpeg(), kind: 'huge-header' },
    { name: 'huge.png', type: 'image/png', bytes: hugePng(), kind: 'huge-header' },
    { name: 'huge.gif', type: 'image/gif', bytes: hugeGif(), kind: 'huge-header' },
    {
      name: 'notes.jpg',
      type: 'image/jpeg',
      bytes: new TextEncoder().encode('Dear diary, this is not a photo.'),
      kind: 'not-an-image',
    },
    {
      name: 'page.png',
      type: 'image/png',
      bytes: new TextEncoder().encode('<html><body>hi</body></html>'),
      kind: 'not-an-image',
    },
  ];
  const out = [...fixed];
  for (let i = out.length; i < count; i++) {
    const source = seeds[i % seeds.length];
    const ext = EXT[source.type];
    const pick = random();
    if (pick < 0.4)
      out.push({
        name: `truncated-${i}.${ext}`,
        type: source.type,
        bytes: truncate(source.bytes, random),
        kind: 'truncated',
      });
    else if (pick < 0.8)
      out.push({
        name: `flipped-${i}.${ext}`,
        type: source.type,
        bytes: flipBits(source.bytes, random),
        kind: 'bit-flipped',
      });
    else {
      // A truncated file under another format's name and type.
      const other = seeds[(i + 1) % seeds.length];
      out.push({
        name: `wrong-${i}.${EXT[other.type]}`,
        type: other.type,
        bytes: truncate(source.bytes, random),
        kind: 'wrong-extension',
      });
    }
  }
  return out;
}

/**
 * Bad files made from one real JPEG without a browser (for the app-level fuzz run from Node):
 * the fixed cases first, then truncations and bit flips of that JPEG.
 */
export function badFilesFromJpeg(
  jpeg: Uint8Array<ArrayBuffer>,
  count: number,
  seed = 99,
): BadImage[] {
  const random = prng(seed);
  const out: BadImage[] = [
    { name: 'empty.jpg', type: 'image/jpeg', bytes: new Uint8Array(0), kind: 'zero-bytes' },
    { name: 'huge.jpg', type: 'image/jpeg', bytes: hugeJpeg(), kind: 'huge-header' },
    { name: 'huge.png', type: 'image/png', bytes: hugePng(), kind: 'huge-header' },
    { name: 'huge.gif', type: 'image/gif', bytes: hugeGif(), kind: 'huge-header' },
    {
      name: 'notes.jpg',
      type: 'image/jpeg',
      bytes: new TextEncoder().encode('not a photo'),
      kind: 'not-an-image',
    },
    {
      name: 'photo.png',
      type: 'image/png',
      bytes: truncate(jpeg, random),
      kind: 'wrong-extension',
    },
  ];
  for (let i = out.length; i < count; i++) {
    // Header damage (the first 600 bytes) makes a JPEG undecodable; flips later may still decode.
    const bytes = i % 2 ? truncate(jpeg, random) : flipHeader(jpeg, random);
    out.push({
      name: `bad-${i}.jpg`,
      type: 'image/jpeg',
      bytes,
      kind: i % 2 ? 'truncated' : 'bit-flipped',
    });
  }
  return out;
}

/** Breaks one structural JPEG segment (tables, frame, scan) so that no decoder can go on. */
function flipHeader(bytes: Uint8Array<ArrayBuffer>, random: () => number): Uint8Array<ArrayBuffer> {
  const copy = bytes.slice();
  const vital: number[] = [];
  for (let at = 2; at + 4 < copy.length && copy[at] === 0xff;) {
    const marker = copy[at + 1];
    if ([0xdb, 0xc0, 0xc2, 0xc4, 0xda].includes(marker)) vital.push(at + 1);
    if (marker === 0xda) break;
    at += 2 + ((copy[at + 2] << 8) | copy[at + 3]);
  }
  const target = vital[Math.floor(random() * vital.length)];
  copy[target] = 0x01; // a reserved marker where a vital segment was
  // …and scramble its length so the segment walk itself goes astray.
  copy[target + 1] ^= 0xff;
  return copy;
}
