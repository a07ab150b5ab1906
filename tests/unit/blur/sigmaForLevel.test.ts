import { expect, test } from 'vitest';
import { gaussianBlur } from '../../../src/blur/gaussianBlur';
import { sigmaForLevel } from '../../../src/blur/sigmaForLevel';
import { makeTestImage } from './testImage';

function meanGradient(px: Uint8ClampedArray, width: number, height: number): number {
  let sum = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        sum += Math.hypot(px[i + 4 + c] - px[i + c], px[i + width * 4 + c] - px[i + c]);
      }
    }
  }
  return sum / ((width - 1) * (height - 1) * 3);
}

test('sigma is proportional to the short side, and grows with the level', () => {
  expect(sigmaForLevel(1, 4000, 3000) / sigmaForLevel(1, 400, 300)).toBeCloseTo(10, 6);
  expect(sigmaForLevel(2, 3000, 4000)).toBe(sigmaForLevel(2, 4000, 3000));
  expect(sigmaForLevel(1, 1600, 1200)).toBeLessThan(sigmaForLevel(2, 1600, 1200));
  expect(sigmaForLevel(2, 1600, 1200)).toBeLessThan(sigmaForLevel(3, 1600, 1200));
});

test('level 1 visibly smooths a 2 MP photo: mean gradient at most 0.7 of the source', async () => {
  const [w, h] = [1600, 1200];
  const source = makeTestImage(w, h, 3);
  const blurred = await gaussianBlur(source.slice(), w, h, sigmaForLevel(1, w, h));
  expect(meanGradient(blurred, w, h)).toBeLessThanOrEqual(0.7 * meanGradient(source, w, h));
});

test('refuses unknown levels', () => {
  expect(() => sigmaForLevel(4 as 1, 10, 10)).toThrow(/level/);
});
