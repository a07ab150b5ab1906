import type { WorkChange, WorkHub } from './broadcast';
import { commitNow, HEAD, raw, readHead, type ReadTx, type WorkDb, type WorkTx } from './db';
import { readable } from './corruptRecords';
import { copyPlain, type WorkRecord } from './record';
import { isFinished, type WorkQuery, type WorkState } from './types';
import { WorkError } from './WorkError';

const UNFINISHED: readonly WorkState[] = ['ENQUEUED', 'RUNNING', 'BLOCKED'];

/**
 * One readwrite transaction's view of the work table: reads see the transaction's own writes;
 * writes are buffered and issued together at the end, stamped with the transaction's `rev`.
 *
 * Every writer moves the head of `revs` from rev - 1 to rev (delete, then add under a unique
 * index), which fails the transaction unless rev - 1 was the stored head. A plain writer reads
 * the head first; an optimistic one guesses it (the last rev this context saw) and its writes go
 * out at once, the swap checking the guess. It may also be told records it already knows
 * (`know`): each is read in the same transaction, and `verified()` is false when one's rev
 * differs. Either way, a wrong guess commits nothing: the store runs the body again on a plain
 * writer.
 */
export class Writer {
  readonly records = new Map<string, WorkRecord>();
  readonly deleted = new Set<string>();
  /** Records this transaction inserts: `add`, so that an existing id aborts it. */
  private readonly created = new Set<string>();
  /** Records this context already knows (`know`), standing for the stored ones until checked. */
  private readonly known = new Map<string, WorkRecord>();
  private readonly checks: Promise<boolean>[] = [];
  /** An inserted id was already stored: the transaction failed for that. */
  duplicate = false;
  /** The head was not rev - 1 (another context committed first): the transaction failed. */
  conflict = false;

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
    const copy = copyPlain(record);
    const expected = record.rev; // the copy is stamped with this transaction's rev on flush
    this.known.set(record.id, copy);
    // Straight on IndexedDB, as in flush (idb's wrapper costs a few listeners and proxies).
    const stored = raw(this.tx).objectStore('work').get(record.id);
    this.checks.push(
      new Promise<boolean>((resolve) => {
        stored.onsuccess = () => resolve(readable(stored.result) && stored.result.rev === expected);
        stored.onerror = () => resolve(false); // the transaction failed: reported by the store
      }),
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

  /**
   * Issues the head swap and the buffered writes, stamped with the rev (new works get their
   * enqueue order). Null when nothing changed: then nothing is written, not even the rev.
   */
  async flush(): Promise<WorkChange | null> {
    if (this.records.size === 0 && this.deleted.size === 0) return null;
    const rev = await this.rev;
    // Fire-and-forget requests straight on IndexedDB: idb's wrapper would add a proxy, a
    // promise and four listeners to each. A failed request (its error event not prevented)
    // fails the transaction, whose error is reported by `tx.done`.
    const tx = raw(this.tx);
    const revs = tx.objectStore('revs');
    revs.delete(rev - 1);
    const head = revs.add(HEAD, rev);
    head.onerror = () => (this.conflict ||= isConstraintError(head.error));
    const work = tx.objectStore('work');
    for (const id of this.deleted) work.delete(id);
    let position = 0;
    for (const r of this.records.values()) {
      if (r.order === 0) r.order = rev * 10_000 + position++;
      r.rev = rev;
      if (!this.created.has(r.id)) work.put(r);
      else {
        const added = work.add(r);
        added.onerror = () => (this.duplicate ||= isConstraintError(added.error));
      }
    }
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
  private readonly revs: RevGuess;

  constructor(
    readonly db: WorkDb,
    readonly hub: WorkHub,
    private readonly now: () => number,
  ) {
    this.revs = revGuess(db.name);
    hub.subscribe((change) => this.revs.see(change.rev));
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
    const tx = this.db.transaction(['work', 'revs'], 'readwrite', { durability });
    // Optimistic: the next rev after the last one seen here, checked by the head swap.
    const guess = optimistic ? this.revs.reserve() : null;
    const rev = guess !== null ? Promise.resolve(guess) : readHead(tx).then((n) => n + 1);
    rev.catch(() => undefined); // an aborted transaction rejects it: that is reported below
    const writer = new Writer(tx, rev, this.now(), guess !== null);
    let result: T;
    let change: WorkChange | null;
    try {
      result = await body(writer);
      change = await writer.flush();
      if (guess !== null && !change) this.revs.unused(guess);
      if (!(await writer.verified())) {
        // What the body assumed no longer holds: nothing of it may commit.
        if (guess !== null && change) this.revs.unused(guess);
        abort(tx);
        await tx.done.catch(() => undefined);
        return this.mutateNow(strict, body, false);
      }
      commitNow(tx);
    } catch (error) {
      if (guess !== null) this.revs.unused(guess);
      abort(tx);
      await tx.done.catch(() => undefined);
      throw error;
    }
    try {
      await tx.done;
    } catch (error) {
      if (writer.conflict && guess !== null) {
        // Another context committed a rev not heard of yet: run again on the stored one.
        this.revs.forget();
        return this.mutateNow(strict, body, false);
      }
      if (guess !== null) this.revs.unused(guess);
      if (writer.duplicate || isConstraintError(error)) {
        throw new WorkError('invalid-request', 'a work with this id exists');
      }
      throw error;
    }
    if (change) {
      this.revs.see(change.rev);
      this.hub.publish(change);
    }
    return result;
  }

  /** The records matching `query` and the rev they were read at, in one transaction. */
  async read(query: WorkQuery): Promise<Snapshot> {
    const tx = this.db.transaction(['work', 'revs'], 'readonly');
    const [rev, values] = await Promise.all([readHead(tx), candidates(tx, query)]);
    await tx.done;
    const records = values.filter(readable).filter((r) => matchesQuery(r, query));
    const unique = [...new Map(records.map((r) => [r.id, r])).values()].sort(byOrder);
    this.revs.see(rev);
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
 * new one guesses one more than the last guess still outstanding; a wrong guess costs a retry,
 * never a wrong rev: the head swap fails unless the guess was right.
 */
interface RevGuess {
  /** Null until a rev was seen: the first transaction reads it. */
  reserve(): number | null;
  /** `guess` will not be committed (nothing written, or aborted). */
  unused(guess: number): void;
  /** A guess was wrong: the next writer reads the head. */
  forget(): void;
  see(rev: number): void;
}

const guesses = new Map<string, RevGuess>();

function revGuess(name: string): RevGuess {
  let guess = guesses.get(name);
  if (guess) return guess;
  let last: number | null = null;
  guess = {
    reserve: () => (last === null ? null : ++last),
    // The last guess gives its rev back; behind an earlier one, the later guesses will fail.
    unused: (g) => {
      last = last === g ? g - 1 : null;
    },
    forget: () => {
      last = null;
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
