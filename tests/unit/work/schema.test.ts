import { describe, expect, it } from 'vitest';
import { gate, waitForState } from './helpers';
import { dumpDb, loadDb, type DbFixture } from './fixture';
import v1 from '../../fixtures/work/v1.json';
import v2 from '../../fixtures/work/v2.json';
import v3 from '../../fixtures/work/v3.json';
import v4 from '../../fixtures/work/v4.json';
import {
  defineWorker,
  oneTimeWork,
  periodicWork,
  success,
  failure,
  WorkManager,
} from '../../../src/work/index';
import { openWorkDb, SCHEMA_VERSION } from '../../../src/work/db';
import { createTestWorkManager } from '../../../src/work/testing';

const fixtures: DbFixture[] = [v1, v2, v3, v4];

/** Builds a database holding work in every state, under the current schema. */
async function scenario(name: string): Promise<() => void> {
  const hold = gate();
  const workers = [
    defineWorker('ok', () => success({ out: 'x' })),
    defineWorker('bad', () => failure({ why: 'no' })),
    defineWorker('hold', async ({ setProgress }) => {
      await setProgress({ percent: 42 });
      await hold.promise;
      return success();
    }),
  ];
  const { manager } = await createTestWorkManager({ workers, name });
  await manager
    .beginUniqueWork('image_manipulation_work', 'replace', oneTimeWork('ok', { id: 'a-done' }))
    .then(oneTimeWork('hold', { id: 'b-running', tags: ['OUTPUT'] }))
    .then(oneTimeWork('ok', { id: 'c-blocked', input: { file: 'x.png' } }))
    .enqueue();
  await manager.enqueue([
    oneTimeWork('bad', { id: 'd-failed' }),
    oneTimeWork('ok', {
      id: 'e-delayed',
      initialDelayMs: 3_600_000,
      constraints: { network: 'connected' },
    }),
    periodicWork('ok', { id: 'f-periodic', intervalMs: 3_600_000 }),
  ]);
  await waitForState(manager, 'b-running', 'RUNNING');
  await waitForState(manager, 'd-failed', 'FAILED');
  await new Promise((r) => setTimeout(r, 20));
  return () => {
    hold.open();
    manager.close();
  };
}

/** Opens `fixture` under today's schema and enqueues one work: its rev, and the database after. */
async function enqueueAfterUpgrade(fixture: DbFixture): Promise<{ rev?: number; dump: DbFixture }> {
  const name = `rev-${crypto.randomUUID()}`;
  await loadDb(name, fixture);
  const manager = await WorkManager.open({ name });
  const request = oneTimeWork('noop');
  await manager.enqueue(request);
  const rev = (await manager.getWorkInfoById(request.id))?.rev;
  manager.close();
  return { rev, dump: await dumpDb(name) };
}

describe('schema', () => {
  it('keeps a fixture of every schema version', () => {
    expect(fixtures.map((f) => f.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  it(`builds the schema of fixture v${SCHEMA_VERSION} (shipped steps are never edited)`, async () => {
    const name = `schema-${crypto.randomUUID()}`;
    const done = await scenario(name);
    const dump = await dumpDb(name);
    done();
    // WRITE_WORK_FIXTURE=1 npx vitest run tests/unit/work/schema.test.ts writes the newest one.
    if (typeof process !== 'undefined' && process.env.WRITE_WORK_FIXTURE) {
      const fs = await import('node:fs');
      const path = new URL(`../../fixtures/work/v${SCHEMA_VERSION}.json`, import.meta.url);
      fs.writeFileSync(path, `${JSON.stringify(dump, null, 1)}\n`);
    }
    const shape = (f: DbFixture) => f.stores.map(({ records: _r, ...s }) => s);
    expect(dump.version).toBe(SCHEMA_VERSION);
    expect(shape(dump)).toEqual(shape(fixtures[SCHEMA_VERSION - 1]));
  });

  for (const fixture of fixtures) {
    it(`opens a v${fixture.version} database keeping all its work, and runs it`, async () => {
      const name = `upgrade-${crypto.randomUUID()}`;
      await loadDb(name, fixture);
      const ok = defineWorker('ok', () => success({ out: 'y' }));
      const hold = defineWorker('hold', () => success());
      const { manager, driver } = await createTestWorkManager({ workers: [ok, hold], name });
      const stored = fixture.stores.find((s) => s.name === 'work')!.records.length;
      await driver.runUntilIdle();
      const infos = await manager.getWorkInfos({});
      expect(infos).toHaveLength(stored);
      const byId = Object.fromEntries(infos.map((i) => [i.id, i]));
      expect(byId['a-done'].state).toBe('SUCCEEDED');
      expect(byId['d-failed'].outputData).toEqual({ why: 'no' });
      expect(byId['c-blocked'].state).toBe('SUCCEEDED');
      // The run that the fixture caught RUNNING had no live owner: recovered and run again.
      expect(byId['b-running'].state).toBe('SUCCEEDED');
      expect(byId['b-running'].runAttemptCount).toBe(2);
      await driver.setInitialDelayMet('e-delayed');
      expect((await manager.getWorkInfoById('e-delayed'))?.state).toBe('SUCCEEDED');
      expect((await manager.getWorkInfoById('f-periodic'))?.periodicity?.intervalMs).toBe(
        3_600_000,
      );
      expect((await manager.getWorkInfosForUniqueWork('image_manipulation_work')).length).toBe(3);
    });
  }

  it('carries the v1 rev into v2 (the head of revs) and v3 (the log), so revs keep rising', async () => {
    const v1Rev = (v1 as DbFixture).stores.find((s) => s.name === 'meta')!.records[0]
      .value as number;
    const { rev, dump } = await enqueueAfterUpgrade(v1);
    expect(rev).toBe(v1Rev + 1);
    expect(dump.stores.find((s) => s.name === 'meta')!.records).toEqual([]);
    const log = dump.stores.find((s) => s.name === 'revs')!.records;
    expect(log.map((r) => r.key)).toEqual([v1Rev, v1Rev + 1]);
  });

  it('carries the v2 head into the v3 log', async () => {
    const head = (v2 as DbFixture).stores.find((s) => s.name === 'revs')!.records[0].key as number;
    const { rev, dump } = await enqueueAfterUpgrade(v2);
    expect(rev).toBe(head + 1);
    const revs = dump.stores.find((s) => s.name === 'revs')!;
    expect(revs.indexes).toEqual([]);
    expect(revs.records.map((r) => r.key)).toEqual([head, head + 1]);
    const work = dump.stores.find((s) => s.name === 'work')!;
    expect(work.indexes.map((i) => i.name)).toEqual(['due', 'tags', 'uniqueName']);
  });

  it('closes its connection when a newer version wants the database', async () => {
    const name = `vc-${crypto.randomUUID()}`;
    let told = false;
    const db = await openWorkDb(name, { onVersionChange: () => (told = true) });
    const { openDB } = await import('idb');
    const newer = await openDB(`work:${name}`, SCHEMA_VERSION + 1);
    expect(told).toBe(true);
    expect(newer.version).toBe(SCHEMA_VERSION + 1);
    newer.close();
    void db;
    const manager = await WorkManager.open({ name: `vc2-${crypto.randomUUID()}` });
    manager.close();
  });
});
