import { expect, it, vi } from 'vitest';
import { waitForState } from './helpers';
import { corruptRecords, defineWorker, oneTimeWork, success } from '../../../src/work/index';
import { openWorkDb } from '../../../src/work/db';
import { createTestWorkManager } from '../../../src/work/testing';

it('a malformed record, as an older version might have written, is reported and skipped; work still runs', async () => {
  const name = `corrupt-${crypto.randomUUID()}`;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const workers = [defineWorker('ok', () => success({ done: true }))];
  const { manager, driver } = await createTestWorkManager({ workers, name });
  // Written behind the library's back: an id and a state, but none of the other fields.
  const db = await openWorkDb(name, {});
  await db.put('work', { id: 'old-1', state: 'ENQUEUED', workerName: 7 } as never);
  await db.put('work', { id: 'old-2', state: 'RUNNING' } as never);
  db.close();

  const request = oneTimeWork('ok');
  await manager.enqueue(request);
  await driver.runUntilIdle();
  const info = await waitForState(manager, request.id, 'SUCCEEDED');
  expect(info.outputData).toEqual({ done: true });
  const all = await manager.getWorkInfos({});
  expect(all.map((i) => i.id)).toEqual([request.id]);
  expect(corruptRecords().map((r) => r.key)).toEqual(expect.arrayContaining(['old-1', 'old-2']));
  expect(warn.mock.calls.some(([m]) => String(m).includes('old-1'))).toBe(true);
  warn.mockRestore();
});
