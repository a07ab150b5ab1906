import type { WorkChange, WorkHub } from './broadcast';
import type { ReadTx, WorkDb, WorkTx } from './db';
import { readable } from './corruptRecords';
import type { WorkRecord } from './record';
import { isFinished, type WorkQuery, type WorkState } from './types';
import { WorkError } from './WorkError';

const UNFINISHED: readonly WorkState[] = ['ENQUEUED', 'RUNNING', 'BLOCKED'];

/**
 * One readwrite transaction's view of the work table: reads see the transaction's own writes;
 * writes are buffered and issued together at the end, stamped with the transaction's `rev`.
 *
 * An optimistic writer already knows its `rev` (the last one this context saw, plus one) and may
 * be told records it already knows (`know`): its writes go out without waiting for a read. The
 * stored rev and each known record's rev are still read in the same transaction, and
 * `verified()` is false when any differs: the store then aborts it (nothing is committed) and
 * runs the body again on a plain writer.
 */
export class Writer {
  readonly records = new Map<string, WorkRecord>();
  readonly deleted = new Set<string>();
  /** Records this transaction inserts: `add`, so that an existing id aborts it. */
  private readonly created = new Set<string>();
  /** Records given their enqueue order by this transaction (new ones). */
  private readonly fresh = new Set<string>();
  private readonly known = new Map<string, WorkRecord>();
  private readonly checks: Promise<boolean>[] = [];
  /** An inserted id was already stored: the transaction failed for that. */
  duplicate = false;

  constructor(
    readonly tx: WorkTx,
    private readonly rev: Promise<number>,
    readonly now: number,
    readonly optimistic = false,
  ) {}

  async get(id: string): Promise<WorkRecord | undefined> {
    if (this.deleted.has(id)) return undefined;
    const cached = this.records.get(id) ?? this.known.get(id);
    if (cached) return cached;
    const value: unknown = await this.tx.objectStore('work').get(id);
    return readable(value) ? value : undefined;
  }

  /**
   * Optimistic writers only: `record` (as this context last saw it committed) stands for the
   * stored one, checked by rev before the transaction commits. A no-op on a plain writer.
   */
  know(record: WorkRecord): void {
    if (!this.optimistic || this.known.has(record.id) || this.records.has(record.id)) return;
    const copy = structuredClone(record);
    const expected = record.rev; // the copy is stamped with this transaction's rev on flush
    this.known.set(record.id, copy);
    const stored = this.tx.objectStore('work').get(record.id);
    this.checks.push(
      stored.then(
        (v: unknown) => readable(v) && v.rev === expected,
        () => false, // the transaction failed: reported by the store
      ),
    );
  }

  /** True when everything this writer assumed (known records) held in the transaction. */
  async verified(): Promise<boolean> {
    const results = await Promise.all(this.checks);
    return results.every(Boolean);
  }

  /** A new work: inserted with `add`, so a stored one with the same id fails the transaction. */
  create(record: WorkRecord): void {
    if (this.records.has(record.id) || this.known.has(record.id)) {
      throw new WorkError('invalid-request', `id ${record.id} exists`);
    }
    if (!this.deleted.has(record.id)) this.created.add(record.id);
    this.put(record);
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
    this.created.delete(id);
    this.deleted.add(id);
  }

  /** Issues the buffered writes; new works get their enqueue order. Null when nothing changed. */
  async flush(): Promise<WorkChange | null> {
    if (this.records.size === 0 && this.deleted.size === 0) return null;
    const rev = await this.rev;
    const work = this.tx.objectStore('work');
    for (const id of this.deleted) work.delete(id).catch(() => undefined);
    for (const r of this.records.values()) if (r.order === 0) this.fresh.add(r.id);
    for (const r of this.stamp(rev)) {
      // A failed request fails the transaction: its error is reported by `tx.done`.
      if (!this.created.has(r.id)) work.put(r).catch(() => undefined);
      else work.add(r).catch((e: unknown) => (this.duplicate ||= isConstraintError(e)));
    }
    const records = [...this.records.values()];
    return { type: 'work-change', rev, records, deleted: [...this.deleted] };
  }

  /**
   * The guessed rev was not the next one (another context committed meanwhile): the same writes
   * again, in the same transaction, stamped with the right one.
   */
  restamp(change: WorkChange, rev: number): void {
    const work = this.tx.objectStore('work');
    for (const r of this.stamp(rev)) work.put(r).catch(() => undefined);
    change.rev = rev;
  }

  /** Stamps every buffered record with `rev` (new ones get their order) and writes `rev`. */
  private stamp(rev: number): Iterable<WorkRecord> {
    let position = 0;
    for (const r of this.records.values()) {
      r.rev = rev;
      if (this.fresh.has(r.id)) r.order = rev * 10_000 + position++;
    }
    this.tx
      .objectStore('meta')
      .put(rev, 'rev')
      .catch(() => undefined);
    return this.records.values();
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
  private readonly revs: RevGuess;

  constructor(
    readonly db: WorkDb,
    readonly hub: WorkHub,
    private readonly now: () => number,
  ) {
    this.revs = revGuess(db.name);
    hub.subscribe((change) => this.seeRev(change.rev));
  }

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

  private async mutateNow<T>(
    strict: boolean,
    body: (w: Writer) => Promise<T>,
    optimistic = true,
  ): Promise<T> {
    if (this.closed) throw new WorkError('closed');
    const durability: IDBTransactionDurability = strict ? 'strict' : 'default';
    const tx = this.db.transaction(['work', 'meta'], 'readwrite', { durability });
    const stored = tx
      .objectStore('meta')
      .get('rev')
      .then((value: unknown) => (typeof value === 'number' ? value : 0));
    stored.catch(() => undefined); // an aborted transaction rejects it: that is reported below
    // Optimistic: the next rev after the last one seen here; checked against the stored one.
    const guess = optimistic ? this.revs.reserve() : null;
    const rev = guess !== null ? Promise.resolve(guess) : stored.then((n) => n + 1);
    const writer = new Writer(tx, rev, this.now(), guess !== null);
    let result: T;
    let change: WorkChange | null;
    try {
      result = await body(writer);
      change = await writer.flush();
      if (guess !== null) {
        const [current, held] = await Promise.all([stored, writer.verified()]);
        this.revs.settle(guess, change && held ? current + 1 : current);
        if (!held) {
          // What the body assumed no longer holds: nothing of it may commit.
          abort(tx);
          await tx.done.catch(() => undefined);
          return this.mutateNow(strict, body, false);
        }
        // Nothing written needs no rev; otherwise the writes take the stored rev + 1.
        if (change && current + 1 !== guess) writer.restamp(change, current + 1);
      }
    } catch (error) {
      if (guess !== null) this.revs.settle(guess, guess - 1);
      abort(tx);
      await tx.done.catch(() => undefined);
      throw error;
    }
    try {
      await tx.done;
    } catch (error) {
      if (writer.duplicate || isConstraintError(error)) {
        throw new WorkError('invalid-request', 'a work with this id exists');
      }
      throw error;
    }
    if (change) {
      this.seeRev(change.rev);
      this.hub.publish(change);
    }
    return result;
  }

  /** A rev known to be committed: optimistic guesses start after it. */
  private seeRev(rev: number): void {
    this.revs.see(rev);
  }

  /** The records matching `query` and the rev they were read at, in one transaction. */
  async read(query: WorkQuery): Promise<Snapshot> {
    const tx = this.db.transaction(['work', 'meta'], 'readonly');
    const stored: unknown = await tx.objectStore('meta').get('rev');
    const values = await candidates(tx, query);
    await tx.done;
    const records = values.filter(readable).filter((r) => matchesQuery(r, query));
    const unique = [...new Map(records.map((r) => [r.id, r])).values()].sort(byOrder);
    const rev = typeof stored === 'number' ? stored : 0;
    this.seeRev(rev);
    return { records: unique, rev };
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

/**
 * The optimistic rev guesses of one database in this realm (a page's manager and executor share
 * it). Readwrite transactions on the same stores commit in the order they were created, so each
 * new one guesses one more than the last guess still outstanding; a wrong guess costs a restamp
 * (or a retry), never a wrong rev: every guess is checked against the stored rev.
 */
interface RevGuess {
  /** Null until a rev was seen: the first transaction reads it. */
  reserve(): number | null;
  /** The transaction that guessed `guess` ended with the stored rev at `actual`. */
  settle(guess: number, actual: number): void;
  see(rev: number): void;
}

const guesses = new Map<string, RevGuess>();

function revGuess(name: string): RevGuess {
  let guess = guesses.get(name);
  if (guess) return guess;
  let last: number | null = null;
  guess = {
    reserve: () => (last === null ? null : ++last),
    settle: (g, actual) => {
      if (last !== null && last >= g) last += actual - g;
    },
    see: (rev) => {
      if (last === null || rev > last) last = rev;
    },
  };
  guesses.set(name, guess);
  return guess;
}

function isConstraintError(error: unknown): boolean {
  return (error as DOMException | null)?.name === 'ConstraintError';
}

/** Aborts `tx` unless it has already ended (a failed request aborts it by itself). */
function abort(tx: WorkTx): void {
  try {
    tx.abort();
  } catch {
    // already finished
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
