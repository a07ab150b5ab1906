// The page side of `npm run bench:blur`: each function runs one measurement in Chromium and
// returns plain numbers; run.mjs drives them and does the arithmetic and the printing.
import { imageDataRGBA } from 'stackblur-canvas';
import type { EngineName } from '../../../src/blur/BlurEngine';
import { blurBlob } from '../../../src/blur/blurBlob';
import { context2d } from '../../../src/blur/blurOnCanvas';
import { bitmapCanvas, readPixels } from '../../../src/blur/decodeImage';
import { encodeCanvas, putPixels } from '../../../src/blur/encodeImage';
import { enableBlurThreads } from '../../../src/blur/blurThreads';
import { runBlurJob } from '../../../src/blur/runBlurJob';
import { availableEngines, chooseEngine, forgetEngineChoice } from '../../../src/blur/chooseEngine';
import { gaussianBlur } from '../../../src/blur/gaussianBlur';
import {
  exactGaussian,
  makeTestImage,
  psnrPremultiplied,
  psnrStraight,
} from '../../unit/blur/testImage';

const W = 4000;
const H = 3000;
let photo: Uint8ClampedArray<ArrayBuffer> | undefined;

/** A 12 MP test image: edges, noise, text and transparency (built once, ~1 s). */
function source(): Uint8ClampedArray<ArrayBuffer> {
  photo ??= makeTestImage(W, H, 5);
  return photo;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * The untimed pause before every timed call, whichever engine: the canvas filter leaves work
 * behind once it has returned (its 48 MB canvases and image data are cleaned up and collected
 * afterwards), which otherwise landed in the next call's time: the kernel measured 84–85 ms
 * right after a canvas blur and 72–73 ms otherwise (71.7 on the call after, 74.9 after 300 ms).
 */
const SETTLE_MS = 300;

async function timed(runs: number, once: () => Promise<void> | void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  return median(times);
}

// Two threads where the page is cross-origin isolated (run.mjs serves it with COOP/COEP), as
// the app's executor worker and the pool's workers do; `?threads=0` measures one thread.
const threads = new URLSearchParams(location.search).get('threads') !== '0' && enableBlurThreads();

async function info() {
  await forgetEngineChoice();
  const t = performance.now();
  const chosen = (await chooseEngine()).name;
  return {
    userAgent: navigator.userAgent,
    engines: availableEngines().map((e) => e.name),
    chosen,
    chooseMs: performance.now() - t,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    threads: threads ? 2 : 1,
  };
}

let scratch: Uint8ClampedArray<ArrayBuffer> | undefined;

/**
 * The source's pixels in one buffer reused by every call (set afresh, untimed): a fresh 48 MB
 * copy per call left the garbage collector to run during whichever engine came next.
 */
function fresh(): Uint8ClampedArray<ArrayBuffer> {
  scratch ??= new Uint8ClampedArray(W * H * 4);
  scratch.set(source());
  return scratch;
}

/** Ours: copy in, blur, copy out (gaussianBlur's own copies), median of `runs`. */
function ours(engine: EngineName, sigma: number, runs: number): Promise<number> {
  const px = fresh();
  return timed(runs, async () => {
    await gaussianBlur(px, W, H, sigma, { engine, yieldEvery: Infinity });
  });
}

/** The kernel's steps, each a median of `runs`: job creation, copy in, the passes, copy out. */
async function parts(engine: EngineName, sigma: number, runs: number) {
  const px = source().slice();
  const times: Record<string, number[]> = {
    create: [],
    copyIn: [],
    rows: [],
    columns: [],
    copyOut: [],
    total: [],
  };
  const blurEngine = availableEngines().find((e) => e.name === engine);
  if (!blurEngine) throw new Error(`no ${engine}`);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const job = blurEngine.createJob(W, H, sigma);
    const t1 = performance.now();
    job.pixels.set(px);
    const t2 = performance.now();
    let t3 = t2;
    for (let b = 0; b < job.bands; b++) {
      await job.runBand(b);
      if (job.rowBands !== undefined && b === job.rowBands - 1) t3 = performance.now();
    }
    const t4 = performance.now();
    px.set(job.pixels);
    const t5 = performance.now();
    // Untimed: disposed, then settled, so that the release (once the helper has answered) comes
    // before the next job, which then finds the helper free (two threads).
    job.dispose?.();
    await job.settled?.();
    times.create.push(t1 - t0);
    times.copyIn.push(t2 - t1);
    times.rows.push(t3 - t2);
    times.columns.push(t4 - t3);
    times.copyOut.push(t5 - t4);
    times.total.push(t5 - t0);
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** StackBlur works in place on ImageData: no copies to count. Radius r has σ² = r(r+2)/6. */
function stackBlur(radius: number, runs: number): Promise<number> {
  const data = new ImageData(fresh(), W, H);
  return timed(runs, () => void imageDataRGBA(data, 0, 0, W, H, radius));
}

/** Chromium's filter on OffscreenCanvas: putImageData in, blur(σpx) draw, getImageData out. */
function canvasFilter(sigma: number, runs: number): Promise<number> {
  const data = new ImageData(fresh(), W, H);
  return timed(runs, () => {
    const src = new OffscreenCanvas(W, H);
    context2d(src).putImageData(data, 0, 0);
    const out = new OffscreenCanvas(W, H);
    const ctx = context2d(out, { willReadFrequently: true });
    ctx.filter = `blur(${sigma}px)`;
    ctx.drawImage(src, 0, 0);
    ctx.getImageData(0, 0, W, H);
  });
}

/** Lowest PSNR (premultiplied, all pixels; and straight over alpha ≥ 16) at σ 2, 8 and 24. */
async function accuracy(engine: EngineName) {
  const [w, h] = [320, 240];
  const img = makeTestImage(w, h);
  const rows = [];
  for (const sigma of [2, 8, 24]) {
    const exact = exactGaussian(img, w, h, sigma);
    const out = await gaussianBlur(img.slice(), w, h, sigma, { engine });
    rows.push({
      sigma,
      premultiplied: psnrPremultiplied(out, exact),
      straight: psnrStraight(out, exact, 16),
    });
  }
  return rows;
}

/** A JPEG of a procedural photo-like scene, made by the browser's own encoder. */
async function makeJpeg(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context2d(canvas);
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#3a6ea5');
  g.addColorStop(1, '#f4d35e');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `hsl(${(i * 37) % 360} 70% ${30 + (i % 50)}%)`;
    ctx.fillRect((i * 7919) % width, (i * 104729) % height, width / 20, height / 30);
  }
  ctx.font = `${Math.round(height / 40)}px sans-serif`;
  ctx.fillStyle = '#111';
  for (let y = 0; y < height; y += height / 20)
    ctx.fillText('Blur-O-Matic benchmark text 0123456789', 10, y);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

const jpegs = new Map<string, Blob>();

async function prepareJpeg(width: number, height: number): Promise<number> {
  const blob = await makeJpeg(width, height);
  jpegs.set(`${width}x${height}`, blob);
  return blob.size;
}

function jpegOf(width: number, height: number): Blob {
  const blob = jpegs.get(`${width}x${height}`);
  if (!blob) throw new Error('prepareJpeg first');
  return blob;
}

/** JPEG file → blurred JPEG bytes, this pipeline. */
function pipelineOurs(sigma: number, runs: number): Promise<number> {
  const jpeg = jpegOf(W, H);
  return timed(runs, async () => {
    await blurBlob(jpeg, { sigma, type: 'image/jpeg', yieldEvery: Infinity });
  });
}

/** JPEG file → blurred JPEG bytes: createImageBitmap → canvas filter → convertToBlob. */
function pipelineCanvas(sigma: number, runs: number): Promise<number> {
  const jpeg = jpegOf(W, H);
  return timed(runs, async () => {
    const bitmap = await createImageBitmap(jpeg);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = context2d(canvas);
    ctx.filter = `blur(${sigma}px)`;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  });
}

/** The pipeline's steps for one 12 MP JPEG at σ 8, each a median of `runs`, in ms. */
async function pipelineParts(runs: number) {
  const jpeg = jpegOf(W, H);
  const engine = await chooseEngine();
  const names = ['decode', 'toCanvas', 'readBack', 'blur', 'putImage', 'encode', 'total'];
  const times: number[][] = names.map(() => []);
  for (let i = 0; i < runs; i++) {
    const t = [performance.now()];
    const bitmap = await createImageBitmap(jpeg, { imageOrientation: 'from-image' });
    t.push(performance.now());
    const decoded = bitmapCanvas(bitmap);
    bitmap.close();
    t.push(performance.now());
    const job = engine.createJob(W, H, 8, { threads: false }); // as blurBlob
    readPixels(decoded, job.pixels);
    decoded.width = decoded.height = 0;
    t.push(performance.now());
    await runBlurJob(job, { yieldEvery: Infinity });
    t.push(performance.now());
    const canvas = new OffscreenCanvas(W, H);
    putPixels(context2d(canvas), job.pixels, W, H);
    job.dispose?.();
    t.push(performance.now());
    await encodeCanvas(canvas, { type: 'image/jpeg', quality: 0.85, hasAlpha: false });
    t.push(performance.now());
    for (let k = 0; k < names.length - 1; k++) times[k].push(t[k + 1] - t[k]);
    times[names.length - 1].push(t[t.length - 1] - t[0]);
  }
  return Object.fromEntries(names.map((n, k) => [n, median(times[k])]));
}

/** One pipeline run for the memory measurement (run.mjs reads the renderer's peak RSS). */
async function pipelineOnce(width: number, height: number, sigma: number): Promise<number> {
  const out = await blurBlob(jpegOf(width, height), {
    sigma,
    maxPixels: 60_000_000,
    yieldEvery: Infinity,
  });
  return out.blob.size;
}

/**
 * blurBlob on the 12 MP JPEG (the plane path where it applies), split by its progress reports:
 * decode (to 0.1: header, ImageDecoder, planes into WASM memory), blur (to the last band), and
 * output (RGBA conversion, putImageData, JPEG encode); medians of `runs`, in ms.
 */
async function pipelineTrace(sigma: number, runs: number) {
  const jpeg = jpegOf(W, H);
  const names = ['decode', 'blur', 'output', 'total'];
  const times: number[][] = names.map(() => []);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    let decoded = t0;
    let blurred = t0;
    await blurBlob(jpeg, {
      sigma,
      type: 'image/jpeg',
      yieldEvery: Infinity,
      onProgress: (f) => {
        if (f === 0.1) decoded = performance.now();
        if (f > 0.1 && f < 1) blurred = performance.now();
      },
    });
    const end = performance.now();
    [decoded - t0, blurred - decoded, end - blurred, end - t0].forEach((ms, k) =>
      times[k].push(ms),
    );
  }
  return Object.fromEntries(names.map((n, k) => [n, median(times[k])]));
}

Object.assign(globalThis, {
  bench: {
    info,
    ours,
    parts,
    stackBlur,
    canvasFilter,
    accuracy,
    prepareJpeg,
    pipelineOurs,
    pipelineCanvas,
    pipelineOnce,
    pipelineParts,
    pipelineTrace,
  },
});
document.title = 'ready';
