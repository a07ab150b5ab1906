// The app's blur and save steps in Chromium, on the real OPFS and the real blur (blurBlob):
// the blur writes a JPEG for the save to store as it is, and a save queued by an earlier
// version, which finds raw pixels (`.rgba`) instead, still encodes and saves them.
import { afterEach, expect, test } from 'vitest';
import { context2d } from '../../../../src/blur/blurOnCanvas';
import type { AnyWorkerDefinition, Data, WorkResult } from '../../../../src/work';
import { runWorker } from '../../../../src/work/testing';
import { createAppWorkers } from '../../../../src/app/work/appWorkers';
import { createBlurEnv, inlineFileBlur } from '../../../../src/app/work/blurEnv';
import {
  listNames,
  readFile,
  removeFile,
  writeFileAtomic,
} from '../../../../src/app/work/fileStore';
import { BLUR, SAVE } from '../../../../src/app/work/names';
import { writeRawImage } from '../../../../src/app/work/rawImage';

const notified: string[] = [];
const workers = createAppWorkers({
  notify: (request) => void notified.push(request.body),
  ...createBlurEnv(inlineFileBlur),
});
const worker = (name: string) => workers.find((w) => w.name === name) as AnyWorkerDefinition;
const run = (name: string, input: Data, id?: string) =>
  runWorker(worker(name), { input, id }) as Promise<WorkResult<Data>>;

afterEach(async () => {
  for (const where of ['inputs', 'tmp', 'saved'] as const) {
    for (const name of await listNames(where)) await removeFile(where, name);
  }
  notified.length = 0;
});

const [W, H] = [400, 300];

/** A W×H picture (a gradient and a white bar from x = 180 to 220) encoded as `type`. */
async function picture(type: string): Promise<Blob> {
  const canvas = new OffscreenCanvas(W, H);
  const ctx = context2d(canvas);
  const gradient = ctx.createLinearGradient(0, 0, W, 0);
  gradient.addColorStop(0, '#c33');
  gradient.addColorStop(1, '#36c');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(180, 0, 40, H);
  return canvas.convertToBlob({ type, quality: 0.95 });
}

/** The green step across the bar's left edge (x = 179 → 180), in the middle row. */
async function edgeStep(blob: Blob): Promise<number> {
  const bitmap = await createImageBitmap(blob);
  const ctx = context2d(new OffscreenCanvas(bitmap.width, bitmap.height));
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const row = ctx.getImageData(0, H / 2, W, 1).data;
  return Math.abs(row[180 * 4 + 1] - row[179 * 4 + 1]);
}

async function isJpegOf(blob: Blob, width: number, height: number): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  const bitmap = await createImageBitmap(blob);
  const sized = bitmap.width === width && bitmap.height === height;
  bitmap.close();
  return head[0] === 0xff && head[1] === 0xd8 && sized;
}

test.each(['image/jpeg', 'image/png'])(
  'the blur step writes the blurred %s as a JPEG named after its work',
  async (type) => {
    const source = await picture(type);
    await writeFileAtomic('inputs', 'chosen', source);
    const id = crypto.randomUUID();
    const result = await run(BLUR, { file: 'chosen', level: 3 }, id);
    expect(result).toEqual({
      type: 'success',
      output: { tmp: `${id}.jpg`, width: W, height: H },
    });
    const tmp = await readFile('tmp', `${id}.jpg`);
    expect(tmp).not.toBeNull();
    expect(await isJpegOf(tmp!, W, H)).toBe(true);
    // Blurred (σ 7.5): the bar's sharp edge is a ramp now.
    expect(await edgeStep(source)).toBeGreaterThan(100);
    expect(await edgeStep(tmp!)).toBeLessThan(20);
    expect(notified).toEqual(['Blurring image']);
  },
);

test('the save step stores the blur’s JPEG as it is and removes the temporary file', async () => {
  const jpeg = await picture('image/jpeg');
  await writeFileAtomic('tmp', 'work-1.jpg', jpeg);
  const result = await run(SAVE, { tmp: 'work-1.jpg', savedName: 'Blurred Image 1.jpg' });
  expect(result).toMatchObject({ type: 'success', output: { fileName: 'Blurred Image 1.jpg' } });
  const saved = await readFile('saved', 'Blurred Image 1.jpg');
  expect(new Uint8Array(await saved!.arrayBuffer())).toEqual(
    new Uint8Array(await jpeg.arrayBuffer()),
  );
  expect(await listNames('tmp')).toEqual([]);
});

test('a save queued by an earlier version encodes the raw pixels its blur left', async () => {
  const [width, height] = [30, 20];
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < pixels.length; i += 4) pixels.set([200, (i / 4) % 256, 40, 255], i);
  await writeRawImage('tmp', 'old-work.rgba', { width, height, pixels });
  const result = await run(SAVE, { tmp: 'old-work.rgba', savedName: 'Blurred Image old.jpg' });
  expect(result).toMatchObject({ type: 'success', output: { fileName: 'Blurred Image old.jpg' } });
  const saved = await readFile('saved', 'Blurred Image old.jpg');
  expect(await isJpegOf(saved!, width, height)).toBe(true);
  expect(await listNames('tmp')).toEqual([]);
});

test.each(['gone.jpg', 'gone.rgba'])(
  'a save whose temporary %s is gone fails, saying so',
  async (tmp) => {
    const result = await run(SAVE, { tmp, savedName: 'Blurred Image x.jpg' });
    expect(result).toEqual({
      type: 'failure',
      output: { error: 'The blurred image to save was lost; start again.' },
    });
    expect(await listNames('saved')).toEqual([]);
  },
);
