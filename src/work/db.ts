import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { WorkRecord } from './record';

/** The schema as TypeScript: every store and index is derived from it. */
export interface WorkSchema extends DBSchema {
  work: {
    key: string;
    value: WorkRecord;
    indexes: { state: string; due: [string, number]; tags: string; uniqueName: string };
  };
  /**
   * `rev`: the last committed revision, bumped by every readwrite transaction; `battery`: the
   * latest BatteryReading a window shared. Values are unknown until a guard checks them.
   */
  meta: { key: string; value: unknown };
}

export type WorkDb = IDBPDatabase<WorkSchema>;
export type UpgradeTx = IDBPTransaction<WorkSchema, StoreNames<WorkSchema>[], 'versionchange'>;
export type WorkTx = IDBPTransaction<WorkSchema, ['work', 'meta'], 'readwrite'>;
export type ReadTx = IDBPTransaction<WorkSchema, ['work', 'meta'], 'readonly'>;

/**
 * Numbered schema steps: step N upgrades a version N-1 database to version N, keeping its data.
 * Never edit a shipped step; add the next one (and a fixture of the version it upgrades).
 */
export const MIGRATIONS: readonly ((db: WorkDb, tx: UpgradeTx) => void)[] = [
  // 1: the work table and the revision counter.
  (db) => {
    const work = db.createObjectStore('work', { keyPath: 'id' });
    work.createIndex('state', 'state');
    work.createIndex('due', ['state', 'nextRunAt']);
    work.createIndex('tags', 'tags', { multiEntry: true });
    work.createIndex('uniqueName', 'uniqueName');
    db.createObjectStore('meta');
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

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
    const raw = wrap(request.result) as unknown as WorkDb;
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
