import { readFile, writeFileAtomic, type Folder } from './fileStore';

/** Unencoded RGBA pixels: the temporary format between blur and save (nothing to encode). */
export interface RawImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, straight (not premultiplied) alpha, as ImageData holds it. */
  pixels: Uint8ClampedArray;
}

const MAGIC = 0x41475242; // "BRGA" little-endian: marks a file as ours
const HEADER = 12;

export async function writeRawImage(where: Folder, name: string, image: RawImage): Promise<void> {
  const header = new DataView(new ArrayBuffer(HEADER));
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, image.width, true);
  header.setUint32(8, image.height, true);
  const pixels = image.pixels as Uint8ClampedArray<ArrayBuffer>;
  await writeFileAtomic(where, name, new Blob([header.buffer, pixels]));
}

export async function readRawImage(where: Folder, name: string): Promise<RawImage | null> {
  const file = await readFile(where, name);
  if (!file || file.size < HEADER) return null;
  const buffer = await file.arrayBuffer();
  const view = new DataView(buffer);
  const width = view.getUint32(4, true);
  const height = view.getUint32(8, true);
  if (view.getUint32(0, true) !== MAGIC || buffer.byteLength !== HEADER + width * height * 4)
    return null;
  return { width, height, pixels: new Uint8ClampedArray(buffer, HEADER) };
}
