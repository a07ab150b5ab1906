import { expect, test } from 'vitest';
import { createBlurPool } from '../../../../src/blur/createBlurPool';
import { encodeImage } from '../../../../src/blur/index';
import { makeTestImage } from '../testImage';

async function png(width: number, height: number): Promise<Blob> {
  return encodeImage(makeTestImage(width, height), width, height, { type: 'image/png' });
}

test('blurs a file in a worker and reports progress', async () => {
  const pool = createBlurPool({ size: 1 });
  const seen: number[] = [];
  const out = await pool.blurBlob(undefined, await png(200, 100), {
    level: 1,
    type: 'image/webp',
    onProgress: (f) => seen.push(f),
  });
  expect([out.width, out.height, out.blob.type]).toEqual([200, 100, 'image/webp']);
  expect(seen.at(-1)).toBe(1);
  pool.terminate();
});

test('transfers pixels both ways instead of copying them', async () => {
  const pool = createBlurPool({ size: 1 });
  const px = makeTestImage(64, 64);
  const out = await pool.gaussianBlur(undefined, px, 64, 64, 3);
  expect(px.buffer.byteLength).toBe(0); // moved to the worker
  expect(out.length).toBe(64 * 64 * 4);
  expect(out).not.toEqual(makeTestImage(64, 64));
  pool.terminate();
});

test('aborting terminates the busy worker, rejects at once, and the next call gets a new one', async () => {
  let started = 0;
  const pool = createBlurPool({
    size: 1,
    createWorker: () => {
      started++;
      return new Worker(new URL('../../../../src/blur/blur.worker.ts', import.meta.url), {
        type: 'module',
      });
    },
  });
  const big = makeTestImage(3000, 2000);
  const controller = new AbortController();
  const slow = pool.gaussianBlur(controller.signal, big, 3000, 2000, 20, {
    onProgress: () => controller.abort(new Error('cancelled')),
  });
  await expect(slow).rejects.toThrow('cancelled');
  const next = await pool.gaussianBlur(
    AbortSignal.timeout(30_000),
    makeTestImage(32, 32),
    32,
    32,
    2,
  );
  expect(next.length).toBe(32 * 32 * 4);
  expect(started).toBe(2);
  pool.terminate();
});

test('a call queued behind a busy worker can be aborted while it waits', async () => {
  const pool = createBlurPool({ size: 1 });
  const first = pool.gaussianBlur(undefined, makeTestImage(1500, 1000), 1500, 1000, 5);
  const controller = new AbortController();
  const queued = pool.gaussianBlur(controller.signal, makeTestImage(8, 8), 8, 8, 1);
  controller.abort(new Error('not needed'));
  await expect(queued).rejects.toThrow('not needed');
  expect((await first).length).toBe(1500 * 1000 * 4);
  pool.terminate();
});

test('terminate rejects calls in flight instead of leaving them hanging', async () => {
  const pool = createBlurPool({ size: 1 });
  const run = pool.gaussianBlur(undefined, makeTestImage(2000, 1500), 2000, 1500, 5);
  await new Promise((r) => setTimeout(r, 50));
  pool.terminate();
  await expect(run).rejects.toMatchObject({ code: 'worker-failed' });
});
