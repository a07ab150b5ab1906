import { expect, test } from 'vitest';
import { blurThreadsAvailable, enableBlurThreads } from '../../../../src/blur/blurThreads';
import { gaussianBlur } from '../../../../src/blur/index';
import { makeTestImage } from '../testImage';

// With the real helper worker where this page is cross-origin isolated; elsewhere enabling
// starts nothing and blurs stay on one thread.
test('two threads give the bytes one thread gives, or are not started without isolation', async () => {
  const [w, h] = [1600, 1320];
  const src = makeTestImage(w, h, 2);
  const one = await gaussianBlur(src.slice(), w, h, 8, { engine: 'wasm-relaxed-simd' });
  const stop = enableBlurThreads();
  expect(stop === false).toBe(!blurThreadsAvailable());
  try {
    const two = await gaussianBlur(src.slice(), w, h, 8, { engine: 'wasm-relaxed-simd' });
    expect(two.findIndex((v, i) => v !== one[i])).toBe(-1);
  } finally {
    if (stop) stop();
  }
});
