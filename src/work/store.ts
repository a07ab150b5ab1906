import type { WorkChange, WorkHub } from './broadcast';
import type { ReadTx, WorkDb, WorkTx } from './db';
import { readable } from './corruptRecords';
import type { WorkRecord } from './record';
import { isFinished, type WorkQuery, type WorkState } from './types';
import { WorkError } from './WorkError';

const UNFINISHED: readonly WorkState[] = ['ENQUEUED', 'RUNNING', 'BLOCKED'];

/**
 * One readwrite transaction's view of the work table: reads see the transaction's own writes;
 * writes are buffered and issued together at the end, stamped with the transaction's `rev`
 * (read in parallel with the first reads, which saves a round trip per transaction).
 */
export class Writer {
  readonly records = new Map<string, WorkRecord>();
  readonly deleted = new Set<string>();

  constructor(
    readonly tx: WorkTx,
    private readonly rev: Promise<number>,
    readonly now: number,
  ) {}

  async get(id: string): Promise<WorkRecord | undefined> {
    if (this.deleted.has(id)) return undefined;
    const cached = this.records.get(id);
    if (cached) return cached;
    const value: unknown = await this.tx.objectStore('work').get(id);
    return readable(value) ? value : undefined;
  }

  async require(id: string): Promise<WorkRecord> {
    const record = await this.get(id);
    if (!record) throw new WorkError('not-found', id);
    return record;
  }

  async byIndex(index: 'tags' | 'uniqueName' | 'state', key: string): Promise<WorkRecord[]> {
    const values: unknown[] = await this.tx.objectStore('work').index(index).getAll(key);
    const out: WorkRecord[] = [];
    for (const value of values.filter(readable)) {
      const current = await this.get(value.id);
      if (current) out.push(current);
    }
    return out;
  }

  put(record: WorkRecord): void {
    this.deleted.delete(record.id);
    this.records.set(record.id, record);
  }

  delete(id: string): void {
    this.records.delete(id);
    this.deleted.add(id);
  }

  /** Issues the buffered writes; new works get their enqueue order. Null when nothing changed. */
  async flush(): Promise<WorkChange | null> {
    if (this.records.size === 0 && this.deleted.size === 0) return null;
    const rev = await this.rev;
    const work = this.tx.objectStore('work');
    for (const id of this.deleted) void work.delete(id);
    let position = 0;
    for (const r of this.records.values()) {
      r.rev = rev;
      if (r.order === 0) r.order = rev * 10_000 + position++;
      void work.put(r);
    }
    void this.tx.objectStore('meta').put(rev, 'rev');
    const records = [...this.records.values()];
    return { type: 'work-change', rev, records, deleted: [...this.deleted] };
  }
}

export interface Snapshot {
  records: WorkRecord[];
  rev: number;
}

export function matchesQuery(r: WorkRecord, q: WorkQuery): boolean {
  if (q.ids?.length && !q.ids.includes(r.id)) return false;
  if (q.states?.length && !q.states.includes(r.state)) return false;
  if (q.tags?.length && !q.tags.some((t) => r.tags.includes(t))) return false;
  if (q.uniqueWorkNames?.length) {
    if (r.uniqueName === undefined || !q.uniqueWorkNames.includes(r.uniqueName)) return false;
  }
  return true;
}

export function byOrder(a: WorkRecord, b: WorkRecord): number {
  return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The work table: each state change is one readwrite transaction (no other await inside), its
 * rev written with it, and the change published on the hub once committed.
 */
export class WorkStore {
  private closed = false;
  /** Operations in flight: a test driver waits for them before it calls the system idle. */
  pending = 0;

  constructor(
    readonly db: WorkDb,
    readonly hub: WorkHub,
    private readonly now: () => number,
  ) {}

  async mutate<T>(strict: boolean, body: (w: Writer) => Promise<T>): Promise<T> {
    return this.counted(this.mutateNow(strict, body));
  }

  private async counted<T>(p: Promise<T>): Promise<T> {
    this.pending++;
    try {
      return await p;
    } finally {
      this.pending--;
    }
  }

  private async mutateNow<T>(strict: boolean, body: (w: Writer) => Promise<T>): Promise<T> {
    if (this.closed) throw new WorkError('closed');
    const durability: IDBTransactionDurability = strict ? 'strict' : 'default';
    const tx = this.db.transaction(['work', 'meta'], 'readwrite', { durability });
    const rev = tx
      .objectStore('meta')
      .get('rev')
      .then((stored: unknown) => (typeof stored === 'number' ? stored : 0) + 1);
    rev.catch(() => undefined); // an aborted transaction rejects it: that is reported below
    const writer = new Writer(tx, rev, this.now());
    let result: T;
    try {
      result = await body(writer);
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    const change = await writer.flush();
    await tx.done;
    if (change) this.hub.publish(change);
    return result;
  }

  /** The records matching `query` and the rev they were read at, in one transaction. */
  async read(query: WorkQuery): Promise<Snapshot> {
    const tx = this.db.transaction(['work', 'meta'], 'readonly');
    const stored: unknown = await tx.objectStore('meta').get('rev');
    const values = await candidates(tx, query);
    await tx.done;
    const records = values.filter(readable).filter((r) => matchesQuery(r, query));
    const unique = [...new Map(records.map((r) => [r.id, r])).values()].sort(byOrder);
    return { records: unique, rev: typeof stored === 'number' ? stored : 0 };
  }

  async get(id: string): Promise<WorkRecord | undefined> {
    const value: unknown = await this.db.get('work', id);
    return readable(value) ? value : undefined;
  }

  /**
   * Visits ENQUEUED work due by `now`, soonest first, until `visit` returns false; resolves with
   * the time the next work after `now` is due (Infinity when none). One readonly transaction.
   */
  async scanDue(now: number, visit: (r: WorkRecord) => boolean): Promise<number> {
    const tx = this.db.transaction('work', 'readonly');
    const index = tx.store.index('due');
    let cursor = await index.openCursor(
      IDBKeyRange.bound(['ENQUEUED', -Infinity], ['ENQUEUED', now]),
    );
    while (cursor) {
      const value: unknown = cursor.value;
      if (readable(value) && !visit(value)) break;
      cursor = await cursor.continue();
    }
    const later = IDBKeyRange.bound(['ENQUEUED', now], ['ENQUEUED', Infinity], true);
    const next = await index.openKeyCursor(later);
    await tx.done;
    return next ? next.key[1] : Infinity;
  }

  /** A value of the meta store other than `rev` (a shared device reading): unknown until checked. */
  async readMeta(key: string): Promise<unknown> {
    if (key === 'rev') throw new WorkError('invalid-request', 'rev is written by mutate only');
    return this.db.get('meta', key);
  }

  async writeMeta(key: string, value: unknown): Promise<void> {
    if (key === 'rev') throw new WorkError('invalid-request', 'rev is written by mutate only');
    await this.db.put('meta', value, key);
  }

  async running(): Promise<WorkRecord[]> {
    const values: unknown[] = await this.db.getAllFromIndex('work', 'state', 'RUNNING');
    return values.filter(readable);
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }
}

async function candidates(tx: ReadTx, q: WorkQuery): Promise<unknown[]> {
  const store = tx.objectStore('work');
  if (q.ids?.length) return Promise.all(q.ids.map((id) => store.get(id)));
  if (q.uniqueWorkNames?.length) {
    const lists = await Promise.all(
      q.uniqueWorkNames.map((n) => store.index('uniqueName').getAll(n)),
    );
    return lists.flat();
  }
  if (q.tags?.length) {
    const lists = await Promise.all(q.tags.map((t) => store.index('tags').getAll(t)));
    return lists.flat();
  }
  if (q.states?.length) {
    const lists = await Promise.all(q.states.map((s) => store.index('state').getAll(s)));
    return lists.flat();
  }
  return store.getAll();
}

export { UNFINISHED, isFinished };
