import { describe, expect, it } from 'vitest';
import { gate, waitForState } from './helpers';
import {
  defineWorker,
  failure,
  oneTimeWork,
  periodicWork,
  success,
  type WorkInfo,
} from '../../../src/work/index';
import { createTestWorkManager } from '../../../src/work/testing';

const NAME = 'sync';

async function setup() {
  const hold = gate();
  const workers = [
    defineWorker('ok', () => success({ done: true })),
    defineWorker('bad', () => failure()),
    defineWorker('hold', async () => {
      await hold.promise;
      return success();
    }),
  ];
  const kit = await createTestWorkManager({ workers });
  return { ...kit, hold };
}

const states = (infos: WorkInfo[]) => infos.map((i) => `${i.workerName}:${i.state}`);

describe('unique work', () => {
  it('replace cancels running work, deletes all of the name and inserts the new chain', async () => {
    const { manager, driver, hold } = await setup();
    const running = oneTimeWork('hold');
    await manager.enqueueUniqueWork(NAME, 'replace', running);
    await waitForState(manager, running.id, 'RUNNING');
    const fresh = oneTimeWork('ok');
    await manager.enqueueUniqueWork(NAME, 'replace', fresh);
    expect(await manager.getWorkInfoById(running.id)).toBeNull();
    hold.open();
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['ok:SUCCEEDED']);
  });

  it('replace deletes finished and failed work of the name', async () => {
    const { manager, driver } = await setup();
    await manager.enqueueUniqueWork(NAME, 'replace', oneTimeWork('ok'));
    await manager.enqueueUniqueWork('other', 'replace', oneTimeWork('bad'));
    await driver.runUntilIdle();
    await manager.enqueueUniqueWork(NAME, 'replace', oneTimeWork('bad'));
    await manager.enqueueUniqueWork('other', 'replace', oneTimeWork('ok'));
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['bad:FAILED']);
    expect(states(await manager.getWorkInfosForUniqueWork('other'))).toEqual(['ok:SUCCEEDED']);
  });

  it('keep does nothing while work of the name is running, and replaces finished work', async () => {
    const { manager, driver, hold } = await setup();
    const first = oneTimeWork('hold');
    await manager.enqueueUniqueWork(NAME, 'keep', first);
    await waitForState(manager, first.id, 'RUNNING');
    await manager.enqueueUniqueWork(NAME, 'keep', oneTimeWork('ok'));
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['hold:RUNNING']);
    hold.open();
    await driver.runUntilIdle();
    await manager.enqueueUniqueWork(NAME, 'keep', oneTimeWork('bad'));
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['bad:FAILED']);
    await manager.enqueueUniqueWork(NAME, 'keep', oneTimeWork('ok'));
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['ok:SUCCEEDED']);
  });

  it('append waits for running work, and starts FAILED behind failed work', async () => {
    const { manager, driver, hold } = await setup();
    const first = oneTimeWork('hold');
    await manager.enqueueUniqueWork(NAME, 'append', first);
    await waitForState(manager, first.id, 'RUNNING');
    const second = oneTimeWork('ok');
    await manager.enqueueUniqueWork(NAME, 'append', second);
    expect((await manager.getWorkInfoById(second.id))?.state).toBe('BLOCKED');
    expect((await manager.getWorkInfoById(second.id))?.prerequisites).toEqual([first.id]);
    hold.open();
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual([
      'hold:SUCCEEDED',
      'ok:SUCCEEDED',
    ]);
    // Behind finished work it runs at once.
    const third = oneTimeWork('bad');
    await manager.enqueueUniqueWork(NAME, 'append', third);
    await driver.runUntilIdle();
    const fourth = oneTimeWork('ok');
    await manager.enqueueUniqueWork(NAME, 'append', fourth);
    expect((await manager.getWorkInfoById(fourth.id))?.state).toBe('FAILED');
  });

  it('append-or-replace starts a fresh chain behind failed or cancelled work', async () => {
    const { manager, driver } = await setup();
    await manager.enqueueUniqueWork(NAME, 'append-or-replace', oneTimeWork('bad'));
    await driver.runUntilIdle();
    const fresh = oneTimeWork('ok');
    await manager.enqueueUniqueWork(NAME, 'append-or-replace', fresh);
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['ok:SUCCEEDED']);
    const appended = oneTimeWork('ok', { initialDelayMs: 5000 });
    await manager.enqueueUniqueWork(NAME, 'append-or-replace', appended);
    expect((await manager.getWorkInfoById(appended.id))?.prerequisites).toEqual([fresh.id]);
    await manager.cancelUniqueWork(NAME);
    const again = oneTimeWork('ok');
    await manager.enqueueUniqueWork(NAME, 'append-or-replace', again);
    await driver.runUntilIdle();
    expect(states(await manager.getWorkInfosForUniqueWork(NAME))).toEqual(['ok:SUCCEEDED']);
  });

  it('periodic keep, cancel-and-reenqueue and update', async () => {
    const { manager } = await setup();
    const first = periodicWork('ok', { intervalMs: 60 * 60_000, input: { v: 1 } });
    await manager.enqueueUniquePeriodicWork(NAME, 'keep', first);
    await manager.enqueueUniquePeriodicWork(NAME, 'keep', periodicWork('ok', { intervalMs: 1 }));
    let infos = await manager.getWorkInfosForUniqueWork(NAME);
    expect(infos.map((i) => i.id)).toEqual([first.id]);

    const update = periodicWork('ok', { intervalMs: 2 * 60 * 60_000, input: { v: 2 } });
    await manager.enqueueUniquePeriodicWork(NAME, 'update', update);
    infos = await manager.getWorkInfosForUniqueWork(NAME);
    expect(infos).toHaveLength(1);
    expect(infos[0].id).toBe(first.id);
    expect(infos[0].generation).toBe(1);
    expect(infos[0].input).toEqual({ v: 2 });
    expect(infos[0].periodicity?.intervalMs).toBe(2 * 60 * 60_000);

    const replacement = periodicWork('ok', { intervalMs: 60 * 60_000, initialDelayMs: 60_000 });
    await manager.enqueueUniquePeriodicWork(NAME, 'cancel-and-reenqueue', replacement);
    infos = await manager.getWorkInfosForUniqueWork(NAME);
    expect(infos.map((i) => [i.id, i.state])).toEqual([[replacement.id, 'ENQUEUED']]);
  });
});
