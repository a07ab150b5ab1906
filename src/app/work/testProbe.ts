/**
 * The e2e build's probe: test workers record each run here (with a heartbeat while they wait)
 * and wait on gates that the test opens. A database of its own, so the work library's is left
 * exactly as the library wrote it. Only the e2e build (`__E2E__`) refers to this module.
 */
const DB = 'bom-e2e-probe';

/** One run of a test worker, or one event the tests look for (a pool worker terminated). */
export interface ProbeRecord {
  id?: number;
  kind: 'run' | 'terminate';
  workId: string;
  attempt: number;
  /** Where it ran: the page's executor worker or the service worker. */
  context: 'worker' | 'sw';
  start: number;
  /** Last sign of life: a run whose context died stops beating. */
  beat: number;
  /** When the worker returned (its result may still be ignored, if cancelled). */
  end: number | null;
}

let connection: Promise<IDBDatabase> | null = null;

/** One connection per context, opened on first use (a heartbeat writes every 50 ms). */
function open(): Promise<IDBDatabase> {
  connection ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
      request.result.createObjectStore('gates');
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onclose = db.onversionchange = () => {
        db.close();
        connection = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      connection = null;
      reject(request.error ?? new Error('probe: open failed'));
    };
  });
  return connection;
}

async function transact<T>(
  store: 'runs' | 'gates',
  mode: IDBTransactionMode,
  body: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(store, mode, { durability: 'strict' });
    const request = body(tx.objectStore(store));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? new Error('probe: transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('probe: transaction aborted'));
  });
}

export const testProbe = {
  async add(record: ProbeRecord): Promise<number> {
    return Number(await transact('runs', 'readwrite', (s) => s.add(record)));
  },
  async put(record: ProbeRecord): Promise<void> {
    await transact('runs', 'readwrite', (s) => s.put(record));
  },
  async records(): Promise<ProbeRecord[]> {
    return (await transact('runs', 'readonly', (s) => s.getAll())) as ProbeRecord[];
  },
  async isOpen(gate: string): Promise<boolean> {
    return (await transact('gates', 'readonly', (s) => s.get(gate))) === 'open';
  },
  async openGate(gate: string): Promise<void> {
    await transact('gates', 'readwrite', (s) => s.put('open', gate));
  },
};
