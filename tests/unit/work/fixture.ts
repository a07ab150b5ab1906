import { openDB } from 'idb';
import { dbName } from '../../../src/work/db';

/** A database as a JSON fixture: its schema and every record, one per schema version. */
export interface DbFixture {
  version: number;
  stores: {
    name: string;
    keyPath: string | null;
    indexes: { name: string; keyPath: string | string[]; multiEntry: boolean; unique: boolean }[];
    records: { key: IDBValidKey; value: unknown }[];
  }[];
}

export async function dumpDb(name: string): Promise<DbFixture> {
  const db = await openDB(dbName(name));
  const stores: DbFixture['stores'] = [];
  for (const storeName of [...db.objectStoreNames].sort()) {
    const tx = db.transaction(storeName);
    const store = tx.store;
    const indexes = [...store.indexNames].sort().map((n) => {
      const index = store.index(n);
      return {
        name: n,
        keyPath: index.keyPath,
        multiEntry: index.multiEntry,
        unique: index.unique,
      };
    });
    const keys = await store.getAllKeys();
    const values = await store.getAll();
    const keyPath = store.keyPath as string | null;
    stores.push({
      name: storeName,
      keyPath,
      indexes,
      records: keys.map((key, i) => ({ key, value: values[i] })),
    });
  }
  const version = db.version;
  db.close();
  return { version, stores };
}

/** Writes a fixture into a new database with the raw API, as that version of the app left it. */
export async function loadDb(name: string, fixture: DbFixture): Promise<void> {
  const db = await openDB(dbName(name), fixture.version, {
    upgrade(raw) {
      for (const s of fixture.stores) {
        const store = raw.createObjectStore(s.name, s.keyPath ? { keyPath: s.keyPath } : {});
        for (const i of s.indexes) {
          store.createIndex(i.name, i.keyPath, { multiEntry: i.multiEntry, unique: i.unique });
        }
      }
    },
  });
  for (const s of fixture.stores) {
    const tx = db.transaction(s.name, 'readwrite');
    for (const r of s.records) void tx.store.put(r.value, s.keyPath ? undefined : r.key);
    await tx.done;
  }
  db.close();
}
