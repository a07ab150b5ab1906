import { expect, test } from 'vitest';
import { BlurError, decodeImage } from '../../../../src/blur/index';
import { makeBadImages } from '../../../fuzz/badImages';

const PER_FILE_MS = 5_000;

type Outcome = {
  kind: string;
  result: 'decoded' | 'refused' | 'other-error' | 'hang';
  code?: string;
  message?: string;
};

async function tryDecode(
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
): Promise<Omit<Outcome, 'kind'>> {
  const hang = new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), PER_FILE_MS));
  const attempt = decodeImage(new Blob([bytes], { type }), { maxPixels: 50_000_000 }).then(
    (image) => {
      expect(image.width * image.height * 4).toBe(image.pixels.length);
      return { result: 'decoded' as const };
    },
    (error: unknown) =>
      error instanceof BlurError
        ? { result: 'refused' as const, code: error.code, message: error.message }
        : { result: 'other-error' as const, message: String(error) },
  );
  const outcome = await Promise.race([attempt, hang]);
  return outcome === 'hang' ? { result: 'hang' } : outcome;
}

test('200 generated bad files: each is refused with a clear BlurError or decodes; none hangs or escapes', async () => {
  const files = await makeBadImages(200);
  const outcomes: Outcome[] = [];
  for (const file of files)
    outcomes.push({ kind: file.kind, ...(await tryDecode(file.bytes, file.type)) });
  const tally = new Map<string, number>();
  for (const o of outcomes)
    tally.set(
      `${o.kind} → ${o.result}${o.code ? ` (${o.code})` : ''}`,
      (tally.get(`${o.kind} → ${o.result}${o.code ? ` (${o.code})` : ''}`) ?? 0) + 1,
    );
  console.log(
    `decoder fuzz, ${files.length} files:\n  ${[...tally].map(([k, n]) => `${k}: ${n}`).join('\n  ')}`,
  );

  expect(outcomes.filter((o) => o.result === 'hang' || o.result === 'other-error')).toEqual([]);
  for (const o of outcomes.filter((o) => o.result === 'refused'))
    expect(o.message!.length).toBeGreaterThan(10);
  const by = (kind: string) => outcomes.filter((o) => o.kind === kind);
  expect(by('zero-bytes').every((o) => o.code === 'empty-file')).toBe(true);
  expect(by('huge-header').every((o) => o.code === 'too-large')).toBe(true);
  expect(by('not-an-image').every((o) => o.code === 'not-an-image')).toBe(true);
  // Most damaged files must be refused; a few bit flips land in pixel data and still decode.
  const refused = outcomes.filter((o) => o.result === 'refused').length;
  expect(refused).toBeGreaterThan(files.length / 2);
}, 120_000);
