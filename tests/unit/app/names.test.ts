import { describe, expect, it } from 'vitest';
import { savedImageName } from '../../../src/app/work/names';
import {
  isSafeName,
  sanitizeFileName,
  savedFileUrl,
  savedNameFromPath,
} from '../../../src/app/work/fileStore';
import { isAppMessage } from '../../../src/app/messages';

describe('savedImageName', () => {
  it('reads like the codelab’s name and ends with part of the work id', () => {
    const at = new Date(2026, 10, 28, 14, 5, 9).getTime();
    expect(savedImageName(at, '3f2a9c1e-0000-4000-8000-000000000000')).toBe(
      'Blurred Image 2026-11-28 14.05.09 (3f2a).jpg',
    );
  });

  it('differs for two works saved in the same second', () => {
    const at = Date.now();
    expect(savedImageName(at, 'aaaa-1')).not.toBe(savedImageName(at, 'bbbb-1'));
  });

  it('is the same for every attempt of one work', () => {
    expect(savedImageName(1_700_000_000_000, 'abcd')).toBe(
      savedImageName(1_700_000_000_000, 'abcd'),
    );
  });
});

describe('file names', () => {
  it('keeps a person’s file name readable but safe', () => {
    expect(sanitizeFileName('holiday/../../etc\\passwd.jpg')).toBe('holiday .. .. etc passwd.jpg');
    expect(sanitizeFileName('..hidden.png')).toBe('hidden.png');
    expect(sanitizeFileName('a\u0000b\u001fc<script>.jpg')).toBe('a b c script .jpg');
    expect(sanitizeFileName('   ')).toBe('image');
    expect(sanitizeFileName('x'.repeat(500))).toHaveLength(120);
  });

  it('refuses names that would escape a folder', () => {
    expect(isSafeName('Blurred Image.jpg')).toBe(true);
    for (const bad of ['', '.partial-x', 'a/b', 'a\\b', 'a\u0000', 'x'.repeat(201)])
      expect(isSafeName(bad)).toBe(false);
  });

  it('round-trips a saved file’s URL and refuses other paths', () => {
    const name = 'Blurred Image 2026-11-28 14.05.09 (3f2a).jpg';
    expect(savedNameFromPath(new URL(savedFileUrl(name), 'http://x').pathname)).toBe(name);
    expect(savedNameFromPath('/files/saved/..%2Fsecret')).toBeNull();
    expect(savedNameFromPath('/files/saved/%E0%A4%A')).toBeNull();
    expect(savedNameFromPath('/index.html')).toBeNull();
  });
});

describe('isAppMessage', () => {
  it('accepts the union’s shapes and nothing else', () => {
    expect(isAppMessage({ type: 'SKIP_WAITING' })).toBe(true);
    expect(isAppMessage({ type: 'notify', title: 't', body: 'b' })).toBe(true);
    expect(
      isAppMessage({ type: 'notify', title: 't', body: 'b', fileUrl: '/files/saved/x.jpg' }),
    ).toBe(true);
    expect(isAppMessage({ type: 'notify', title: 't' })).toBe(false);
    expect(isAppMessage({ type: 'notify', title: 't', body: 'b', fileUrl: 3 })).toBe(false);
    expect(isAppMessage('SKIP_WAITING')).toBe(false);
    expect(isAppMessage(null)).toBe(false);
  });
});
