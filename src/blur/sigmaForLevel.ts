import { BlurError } from './BlurError';

/** The app's "A little blurred", "More blurred", "The most blurred". */
export type BlurLevel = 1 | 2 | 3;

// Sigma as a fraction of the short side, so a 12 MP photo and its thumbnail look alike.
// Level 1 (σ = 6 px on a 1600×1200 photo) already wipes out texture and small text.
const FRACTION: Record<BlurLevel, number> = { 1: 0.005, 2: 0.012, 3: 0.025 };

export function sigmaForLevel(level: BlurLevel, width: number, height: number): number {
  if (!(level in FRACTION))
    throw new BlurError('invalid-argument', { reason: `level ${String(level)}` });
  if (!(width > 0 && height > 0))
    throw new BlurError('invalid-argument', { reason: `size ${width}×${height}` });
  return Math.max(0.5, FRACTION[level] * Math.min(width, height));
}
