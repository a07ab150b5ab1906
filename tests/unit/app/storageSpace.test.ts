import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeOrExplain } from '../../../src/app/work/storageSpace';

const MB = 1024 * 1024;

/** navigator.storage.estimate() reporting `free` bytes left. */
function freeSpace(free: number): void {
  vi.stubGlobal('navigator', {
    storage: { estimate: () => Promise.resolve({ usage: 100 * MB, quota: 100 * MB + free }) },
  });
}

const failWith = (error: Error) => () => Promise.reject(error);

describe('writeOrExplain', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('answers null when the write succeeds', async () => {
    freeSpace(MB);
    await expect(writeOrExplain('save the image', 2 * MB, () => Promise.resolve())).resolves.toBe(
      null,
    );
  });

  it('explains a quota error with the space needed and the space free', async () => {
    freeSpace(MB);
    const message = await writeOrExplain(
      'save the image',
      8.2 * MB,
      failWith(new DOMException('quota exceeded', 'QuotaExceededError')),
    );
    expect(message).toMatch(
      /^Not enough storage to save the image: it needs 8\.2 MB but only 1\.0 MB is free\./,
    );
  });

  it('explains a NotReadableError from the write as a full origin, even where the estimate shows room', async () => {
    freeSpace(10 * 1024 * MB);
    const message = await writeOrExplain(
      'keep the blurred image',
      8.2 * MB,
      failWith(new DOMException('The requested file could not be read', 'NotReadableError')),
    );
    expect(message).toMatch(/^Not enough storage to keep the blurred image: it needs 8\.2 MB/);
  });

  it('explains any DOMException when less is free than the write needs', async () => {
    freeSpace(MB);
    const message = await writeOrExplain(
      'save the image',
      8.2 * MB,
      failWith(new DOMException('state', 'InvalidStateError')),
    );
    expect(message).toMatch(/^Not enough storage/);
  });

  it('rethrows other failures when there is room', async () => {
    freeSpace(10 * 1024 * MB);
    const notFound = new DOMException('gone', 'NotFoundError');
    await expect(writeOrExplain('save the image', MB, failWith(notFound))).rejects.toBe(notFound);
    const bug = new TypeError('not a blob');
    await expect(writeOrExplain('save the image', MB, failWith(bug))).rejects.toBe(bug);
  });
});
