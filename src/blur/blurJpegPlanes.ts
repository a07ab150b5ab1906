import type { BlurEngine } from './BlurEngine';
import { bandSize } from './BlurEngine';
import { context2d } from './blurOnCanvas';
import { COEFFICIENT_COUNT, gaussianCoefficients } from './coefficients';
import { raceAbort } from './decodeImage';
import type { EncodeOptions } from './encodeImage';
import { checkEncodeOptions } from './encodeImage';
import { jpegEncoderAvailable, jpegJob, jpegRegionBytes } from './jpegEncoder';
import type { ImageHeader } from './readImageHeader';
import type { BlurProgressOptions } from './runBlurJob';
import { runBlurJob } from './runBlurJob';
import type { KernelExports } from './threadBands';
import type { KernelMemory, WasmVariant } from './wasmEngine';
import { acquireMemory, heapBase, STRIP_ROW_BYTES, wasmModule } from './wasmEngine';

/**
 * A JPEG blurred in its own colour space: ImageDecoder gives the decoded Y, U and V planes, and
 * the Gaussian, being linear, commutes with JFIF's affine YCbCr → RGB. So Y is blurred at σ and
 * the chroma planes at σ over their subsampling (σ/2 both ways for 4:2:0): 1.5 bytes a pixel
 * instead of RGBA's 4 for 4:2:0, no canvas between the decoder and the kernel, and no read-back.
 * For a JPEG out, the planes are encoded as they are (jpegEncoder.ts: same subsampling, no colour
 * conversion, no canvas, the EXIF orientation written for viewers); otherwise the kernel converts
 * them to RGBA in bands for the encoder's canvas.
 */

/** Below this σ the chroma planes would be blurred at under 0.5 px: the RGBA path takes it. */
export const PLANES_MIN_SIGMA = 1;

const VARIANTS: Partial<Record<string, WasmVariant>> = {
  'wasm-relaxed-simd': 'relaxed-simd',
  'wasm-simd': 'simd',
};

/** EXIF orientation → the VideoFrame rotation and flip Chromium reports for it. */
const ORIENTATION: Record<number, [number, boolean]> = {
  1: [0, false],
  2: [0, true],
  3: [180, false],
  4: [180, true],
  5: [90, true],
  6: [90, false],
  7: [270, true],
  8: [270, false],
};

/** Chroma subsampling [x, y] of the frame formats this path takes (1: half the luma resolution). */
const SUBSAMPLING: Partial<Record<string, [0 | 1, 0 | 1]>> = {
  I420: [1, 1],
  I422: [1, 0],
  I444: [0, 0],
};

/** Orientation as VideoFrame carries it (Chromium 120+; not yet in TypeScript's DOM types). */
interface Oriented {
  rotation?: number;
  flip?: boolean;
}

/** The encoded file (a JPEG made from the planes), or a canvas for `encodeCanvas`. */
export type PlanesResult = {
  /** As displayed: orientation applied. */
  width: number;
  height: number;
} & ({ blob: Blob; canvas?: undefined } | { canvas: OffscreenCanvas; blob?: undefined });

/** Progress once the planes are blurred; the JPEG's bands take it to just under 1. */
const BLURRED = 0.9;
const ENCODED = 0.99;

/**
 * Whether the plane path may run here: an opaque JPEG in sRGB (no ICC profile but sRGB's), a WASM
 * engine, σ ≥ PLANES_MIN_SIGMA, and WebCodecs' ImageDecoder (not exposed in service workers).
 */
export function planesApply(header: ImageHeader, engine: BlurEngine, sigma: number): boolean {
  return (
    header.type === 'image/jpeg' &&
    header.colorProfile !== 'other' &&
    VARIANTS[engine.name] !== undefined &&
    sigma >= PLANES_MIN_SIGMA &&
    typeof ImageDecoder === 'function' &&
    typeof VideoFrame === 'function'
  );
}

/**
 * Decodes and blurs a JPEG through its planes, then encodes them as a JPEG (when `options.type`
 * is JPEG; stored as decoded, with the EXIF orientation) or draws them on a canvas; null when the
 * decoder's frame is not one this path handles (not I420, not full-range BT.601, an orientation
 * it does not report, a decode error), so the caller takes the RGBA path, which reports errors
 * with codes. `sigmaFor` gets the displayed size. Progress: 0.1 once decoded, up to 0.9 once
 * blurred, up to 0.99 once encoded here.
 */
export async function blurJpegPlanes(
  blob: Blob,
  header: ImageHeader,
  engine: BlurEngine,
  sigmaFor: (width: number, height: number) => number,
  options: BlurProgressOptions & EncodeOptions,
): Promise<PlanesResult | null> {
  const variant = VARIANTS[engine.name];
  const module = variant && wasmModule(variant);
  if (!module) return null;
  const frame = await decodeYuv(blob, header, options.signal);
  if (!frame) return null;
  const format = frame.format as VideoPixelFormat;
  const [subX, subY] = SUBSAMPLING[format] ?? [1, 1];
  const { rotation = 0, flip = false } = frame as Oriented;
  const width = frame.visibleRect?.width ?? frame.codedWidth;
  const height = frame.visibleRect?.height ?? frame.codedHeight;
  const colorSpace = frame.colorSpace.toJSON();
  const encode = (options.type ?? 'image/jpeg') === 'image/jpeg' && jpegEncoderAvailable();
  const at = planeLayout(heapBase(module), width, height, subX, subY, encode);
  let memory: KernelMemory | undefined;
  try {
    memory = acquireMemory(module, at.pages);
    await frame.copyTo(new Uint8Array(memory.memory.buffer, at.y, at.end - at.y), {
      layout: at.planes,
    });
  } catch {
    memory?.release();
    return null; // a frame this browser cannot copy as planes: the RGBA path
  } finally {
    frame.close();
  }
  const { kernel } = memory;
  try {
    const display = rotation % 180 ? [height, width] : [width, height];
    const sigma = sigmaFor(display[0], display[1]);
    options.onProgress?.(0.1);
    const onProgress = (f: number) => options.onProgress?.(0.1 + (BLURRED - 0.1) * f);
    await runBlurJob(planeJob(kernel, memory.memory, at, sigma), { ...options, onProgress });
    if (encode) {
      // Stored as decoded, with the EXIF orientation for viewers to apply (the blur commutes
      // with rotation and mirroring); isJfifYuv matched it to the frame's rotation and flip.
      const orientation = rotation || flip ? header.orientation : 1;
      const blob = await encodePlanes(memory.memory, at, orientation, options);
      return { blob, width: display[0], height: display[1] };
    }
    const canvas =
      rotation || flip
        ? drawOriented(memory.memory, at, { format, colorSpace, rotation, flip })
        : convertToCanvas(kernel, memory.memory, at);
    return { canvas, width: display[0], height: display[1] };
  } finally {
    memory.release();
  }
}

/**
 * The blurred planes as a baseline JPEG of the same subsampling, in bands of MCU rows (progress,
 * abort and yields between them, as the blur's bands), each band's bytes copied out of the
 * encoder's bounded buffer at `at.out`.
 */
async function encodePlanes(
  memory: WebAssembly.Memory,
  at: Layout,
  orientation: number,
  options: BlurProgressOptions & EncodeOptions,
): Promise<Blob> {
  const { quality } = checkEncodeOptions(options);
  const job = jpegJob(memory, at.out, at, quality, orientation); // the layout holds the planes
  const onProgress = (f: number) => options.onProgress?.(BLURRED + (ENCODED - BLURRED) * f);
  await runBlurJob(job, { ...options, onProgress });
  return new Blob(job.finish(), { type: 'image/jpeg' });
}

/** The decoded frame if it is YUV in JFIF's colour space with the header's orientation, else null. */
async function decodeYuv(
  blob: Blob,
  header: ImageHeader,
  signal: AbortSignal | undefined,
): Promise<VideoFrame | null> {
  // The whole file as a buffer: from a stream, Chromium's decoder gives BGRX, not the planes.
  const data = await blob.arrayBuffer();
  signal?.throwIfAborted();
  const decoder = new ImageDecoder({ data, type: 'image/jpeg' });
  try {
    const { image } = await raceAbort(decoder.decode(), signal, (late) => late.image.close());
    if (isJfifYuv(image, header)) return image;
    image.close();
    return null;
  } catch (e) {
    if (signal?.aborted) throw e;
    return null; // the RGBA path decodes again and reports the error with its code
  } finally {
    decoder.close();
  }
}

function isJfifYuv(frame: VideoFrame, header: ImageHeader): boolean {
  const { matrix, fullRange } = frame.colorSpace;
  const { rotation = 0, flip = false } = frame as Oriented;
  const [r, f] = ORIENTATION[header.orientation] ?? [0, false];
  const rect = frame.visibleRect;
  return (
    !!frame.format &&
    SUBSAMPLING[frame.format] !== undefined &&
    (matrix === 'smpte170m' || matrix === 'bt470bg') &&
    fullRange === true &&
    frame.colorSpace.primaries === 'bt709' &&
    frame.colorSpace.transfer === 'iec61966-2-1' &&
    rotation === r &&
    flip === f &&
    !!rect &&
    rect.x === 0 &&
    rect.y === 0 &&
    frame.displayWidth === header.width &&
    frame.displayHeight === header.height
  );
}

type Layout = ReturnType<typeof planeLayout>;

/**
 * Memory: [static data][coefficients: Y, chroma rows, chroma columns][scratch][Y][U][V][out], out
 * being the RGBA band of the conversion, or the JPEG encoder's tables and band buffer.
 * Plane strides are multiples of 16 (the column pass works on groups of four columns; the
 * conversion reads 8 luma and 4 chroma samples at a time).
 */
function planeLayout(
  base: number,
  width: number,
  height: number,
  subX: 0 | 1,
  subY: 0 | 1,
  jpeg: boolean,
) {
  const align = (n: number, to = 64) => Math.ceil(n / to) * to;
  const cw = subX ? (width + 1) >> 1 : width;
  const ch = subY ? (height + 1) >> 1 : height;
  const yStride = align(width, 16);
  const cStride = align(cw, 16);
  const coefY = align(base);
  const coefCh = align(coefY + COEFFICIENT_COUNT * 4);
  const coefCv = align(coefCh + COEFFICIENT_COUNT * 4);
  const scratch = align(coefCv + COEFFICIENT_COUNT * 4);
  const scratchBytes = Math.max(width * 16, (height + 6) * STRIP_ROW_BYTES, (cw + 16) * 8);
  const y = align(scratch + scratchBytes);
  const u = align(y + yStride * height);
  const v = align(u + cStride * ch);
  const end = align(v + cStride * ch);
  const bandRows = Math.max(1, Math.min(height, Math.floor((4 << 20) / (width * 4))));
  const out = end;
  const outBytes = jpeg ? jpegRegionBytes(width, subX, subY) : bandRows * width * 4;
  const pages = Math.ceil((out + outBytes + 64) / 65536);
  return {
    width,
    height,
    cw,
    ch,
    yStride,
    cStride,
    subX,
    subY,
    coefY,
    coefCh,
    coefCv,
    scratch,
    y,
    u,
    v,
    end,
    out,
    bandRows,
    pages,
    planes: [
      { offset: 0, stride: yStride },
      { offset: u - y, stride: cStride },
      { offset: v - y, stride: cStride },
    ],
  };
}

/**
 * Each plane's horizontal then vertical pass, in bands of about 1 MP; a chroma plane's σ in each
 * direction is σ over its subsampling there.
 */
function planeJob(kernel: KernelExports, memory: WebAssembly.Memory, at: Layout, sigma: number) {
  const coefficients = (offset: number, s: number) =>
    new Float32Array(memory.buffer, offset, COEFFICIENT_COUNT).set(gaussianCoefficients(s));
  coefficients(at.coefY, sigma);
  coefficients(at.coefCh, sigma / (1 << at.subX));
  coefficients(at.coefCv, sigma / (1 << at.subY));
  const bands: (() => void)[] = [];
  const plane = (pix: number, w: number, h: number, stride: number, rows: number, cols: number) => {
    const rowStep = bandSize(h, w);
    for (let r = 0; r < h; r += rowStep) {
      const r1 = Math.min(h, r + rowStep);
      bands.push(() => kernel.blurPlaneRows(pix, w, stride, r, r1, at.scratch, rows));
    }
    const quads = stride / 4;
    const quadStep = bandSize(quads, h);
    for (let q = 0; q < quads; q += quadStep) {
      const q1 = Math.min(quads, q + quadStep);
      bands.push(() => kernel.blurPlaneColumns(pix, stride, h, q, q1, at.scratch, cols));
    }
  };
  plane(at.y, at.width, at.height, at.yStride, at.coefY, at.coefY);
  plane(at.u, at.cw, at.ch, at.cStride, at.coefCh, at.coefCv);
  plane(at.v, at.cw, at.ch, at.cStride, at.coefCh, at.coefCv);
  return { bands: bands.length, runBand: (i: number) => bands[i]() };
}

/** RGBA in 4 MB bands, each put on the canvas from a view of the WASM memory (no JS copy). */
function convertToCanvas(
  kernel: KernelExports,
  memory: WebAssembly.Memory,
  at: Layout,
): OffscreenCanvas {
  const { width, height } = at;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context2d(canvas);
  for (let r = 0; r < height; r += at.bandRows) {
    const rows = Math.min(at.bandRows, height - r);
    kernel.yuvToRgba(
      at.y,
      at.yStride,
      at.u,
      at.v,
      at.cStride,
      width,
      height,
      at.subX,
      at.subY,
      r,
      r + rows,
      at.out,
      at.scratch,
    );
    const band = new Uint8ClampedArray(memory.buffer, at.out, width * rows * 4);
    ctx.putImageData(new ImageData(band, width, rows), 0, r);
  }
  return canvas;
}

/**
 * An oriented image: the blur commutes with rotation and mirroring, so the planes were blurred
 * as stored and go out as a VideoFrame carrying the orientation, which drawImage applies.
 */
function drawOriented(
  memory: WebAssembly.Memory,
  at: Layout,
  init: {
    format: VideoPixelFormat;
    colorSpace: VideoColorSpaceInit;
    rotation: number;
    flip: boolean;
  },
): OffscreenCanvas {
  const frame = new VideoFrame(new Uint8Array(memory.buffer, at.y, at.end - at.y), {
    codedWidth: at.width,
    codedHeight: at.height,
    timestamp: 0,
    layout: at.planes,
    ...init,
  });
  try {
    const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
    context2d(canvas).drawImage(frame, 0, 0);
    return canvas;
  } finally {
    frame.close();
  }
}
