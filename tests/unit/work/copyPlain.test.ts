import { describe, expect, it } from 'vitest';
import { localFirst, type ChannelLike } from '../../../src/work/broadcast';
import { oneTimeWork } from '../../../src/work/index';
import { copyPlain, newRecord } from '../../../src/work/record';

describe('copyPlain', () => {
  it('copies a record deeply, equal to structuredClone and sharing nothing with it', () => {
    const record = {
      ...newRecord(oneTimeWork('noop', { input: { a: [1, 2], b: 'x' }, tags: ['T'] }), 5),
      uniqueName: undefined,
      nested: { deep: [{ n: -0 }, null, [true]] },
    };
    const copy = copyPlain(record);
    expect(copy).toStrictEqual(structuredClone(record));
    expect(Object.is(copy.nested.deep[0] && (copy.nested.deep[0] as { n: number }).n, -0)).toBe(
      true,
    );
    expect('uniqueName' in copy).toBe(true);
    copy.tags.push('changed');
    (copy.input as { a: number[] }).a.push(3);
    copy.nested.deep.pop();
    expect(record.tags).not.toContain('changed');
    expect((record.input as { a: number[] }).a).toEqual([1, 2]);
    expect(record.nested.deep).toHaveLength(3);
  });

  it('keeps holes and hands anything but plain data to structuredClone', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = copyPlain([1, , 3]);
    expect(1 in holes).toBe(false);
    const date = new Date(5);
    const copied = copyPlain({ date, map: new Map([[1, 2]]) });
    expect(copied.date).not.toBe(date);
    expect(copied.date.getTime()).toBe(5);
    expect(copied.map.get(1)).toBe(2);
    class Point {
      constructor(readonly x: number) {}
    }
    const point = copyPlain({ p: new Point(1) }).p;
    expect(point).not.toBeInstanceOf(Point); // as structuredClone: a plain object
    expect(point).toEqual({ x: 1 });
    expect(() => copyPlain({ f: () => 1 })).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }) as Error,
    );
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 100; i++) at = at.next = {};
    expect(copyPlain(deep)).toStrictEqual(structuredClone(deep));
  });

  it('gives each peer of a realm its own copy of a message', async () => {
    const outside: unknown[] = [];
    const factory = localFirst(() => ({
      onmessage: null,
      postMessage: (m) => outside.push(m),
      close: () => undefined,
    }));
    const [a, b, c] = [factory('x'), factory('x'), factory('x')];
    const got: unknown[] = [];
    for (const peer of [b, c] as ChannelLike[]) peer.onmessage = (e) => got.push(e.data);
    const message = { type: 'work-change', rev: 1, records: [{ id: 'r', tags: ['t'] }] };
    a.postMessage(message);
    await Promise.resolve();
    expect(got).toHaveLength(2);
    expect(got[0]).toStrictEqual(message);
    expect(got[0]).not.toBe(message);
    expect(got[0]).not.toBe(got[1]);
    expect((got[0] as typeof message).records[0]).not.toBe((got[1] as typeof message).records[0]);
    expect(outside).toEqual([message]);
  });
});
