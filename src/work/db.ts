import { unwrap, wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { WorkRecord } from './record';

/** The schema as TypeScript: every store and index is derived from it. */
export interface WorkSchema extends DBSchema {
  work: {
    key: string;
    value: WorkRecord;
    indexes: { due: [string, number]; tags: string; uniqueName: string };
  };
  /**
   * `battery`: the latest BatteryReading a window shared (v1 also kept `rev` here). Values are
   * unknown until a guard checks them.
   */
  meta: { key: string; value: unknown };
  /**
   * The revision log (v3): one record per committed revision, its key the rev and its value the
   * time it was written (ms). The head is the highest key. A writer takes rev r with `add`, which
   * fails if r is taken, so a writer that guessed the head need not read it first: see
   * `store.ts`. Old entries are compacted (`WorkStore.compactRevs`). (v2 kept one record, the
   * head, swapped under a unique index; an upgraded database keeps it, with its value `HEAD`.)
   */
  revs: { key: number; value: number | typeof HEAD };
}

/** The value of v2's one head record of `revs`, whose unique index admitted only one. */
export const HEAD = { head: 1 } as const;

export type WorkDb = IDBPDatabase<WorkSchema>;
/**
 * What a migration step sees: the stores and indexes of its own version, not today's schema
 * (which a later step may have changed), so it is untyped.
 */
export type UpgradeDb = IDBPDatabase;
export type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;
export type WorkTx = IDBPTransaction<WorkSchema, ['work', 'revs'], 'readwrite'>;
export type ReadTx = IDBPTransaction<WorkSchema, ['work', 'revs'], 'readonly'>;

/**
 * Numbered schema steps: step N upgrades a version N-1 database to version N, keeping its data.
 * Never edit a shipped step; add the next one (and a fixture of the version it upgrades).
 */
export const MIGRATIONS: readonly ((db: UpgradeDb, tx: UpgradeTx) => void)[] = [
  // 1: the work table and the revision counter.
  (db) => {
    const work = db.createObjectStore('work', { keyPath: 'id' });
    work.createIndex('state', 'state');
    work.createIndex('due', ['state', 'nextRunAt']);
    work.createIndex('tags', 'tags', { multiEntry: true });
    work.createIndex('uniqueName', 'uniqueName');
    db.createObjectStore('meta');
  },
  // 2: the revision moves from meta's `rev` to the key of the head record of `revs`.
  (db, tx) => {
    db.createObjectStore('revs').createIndex('head', 'head', { unique: true });
    const meta = tx.objectStore('meta');
    void meta.get('rev').then((rev: unknown) => {
      if (typeof rev === 'number' && rev > 0) void tx.objectStore('revs').add(HEAD, rev);
      void meta.delete('rev');
    });
  },
  // 3: `revs` becomes a log (a writer adds its rev: one request where the head swap took two,
  // under a unique index); the kept head stays as it was ({ head: 1 }, a value compaction takes
  // for old). The `state` index goes: `due` ([state, nextRunAt]) answers the same queries, and
  // each index costs every write.
  (_db, tx) => {
    tx.objectStore('revs').deleteIndex('head');
    tx.objectStore('work').deleteIndex('state');
  },
  // 4: no change to the stores. A run's lease moves from a Web Lock per work to one per
  // executor (its owner: see ownerLockName in Scheduler.ts), which an older version would not
  // see: its recovery would take work this version runs. The upgrade closes every older
  // context's connection (versionchange) before this version writes, so the two rules never
  // run side by side; recovery still waits for an older runner's per-work lock.
  () => undefined,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The stored revision (0 before the first write): the highest key of the log, read in `tx`. */
export async function readHead(tx: WorkTx | ReadTx): Promise<number> {
  const cursor = await tx.objectStore('revs').openKeyCursor(null, 'prev');
  return cursor ? cursor.key : 0;
}

/** Every work in `state`, read through the `due` index ([state, nextRunAt]) in `tx`. */
export function byState(tx: WorkTx | ReadTx, state: string): Promise<unknown[]> {
  return tx.objectStore('work').index('due').getAll(stateRange(state));
}

export function stateRange(state: string): IDBKeyRange {
  return IDBKeyRange.bound([state, -Infinity], [state, Infinity]);
}

/** The IndexedDB transaction under idb's wrapper, for requests whose results are not awaited. */
export function raw(tx: WorkTx): IDBTransaction {
  return unwrap(tx);
}

/**
 * Commits `tx` now, with its requests still in flight, instead of once their results have come
 * back to this thread (a round trip, long on a busy main thread). A request that fails still
 * aborts it. Where `commit()` is missing, it commits as usual.
 */
export function commitNow(tx: WorkTx): void {
  try {
    (raw(tx) as IDBTransaction & { commit?: () => void }).commit?.();
  } catch {
    // already finished (a failed request aborted it): reported by `tx.done`
  }
}

export function dbName(name: string): string {
  return `work:${name}`;
}

export interface OpenWorkDbOptions {
  indexedDB?: IDBFactory;
  /** Called when a newer version wants the database: this connection is already closed. */
  onVersionChange?: () => void;
}

/**
 * Opens (creating or upgrading) the work database. The connection closes itself on
 * `versionchange`, so that an old tab, worker or service worker never blocks an upgrade.
 */
export async function openWorkDb(name: string, options: OpenWorkDbOptions = {}): Promise<WorkDb> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  const request = factory.open(dbName(name), SCHEMA_VERSION);
  const db = wrap(request) as unknown as Promise<WorkDb>;
  request.onupgradeneeded = (event) => {
    const raw: UpgradeDb = wrap(request.result);
    const tx = wrap(request.transaction!) as unknown as UpgradeTx;
    for (let v = event.oldVersion; v < SCHEMA_VERSION; v++) MIGRATIONS[v](raw, tx);
  };
  const opened = await db;
  opened.addEventListener('versionchange', () => {
    opened.close();
    options.onVersionChange?.();
  });
  return opened;
}
