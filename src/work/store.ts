import type { WorkChange, WorkHub } from './broadcast';
import {
  byState,
  commitNow,
  raw,
  readHead,
  stateRange,
  type ReadTx,
  type WorkDb,
  type WorkTx,
} from './db';
import { readable } from './corruptRecords';
import { copyPlain, type WorkRecord } from './record';
import { isFinished, type WorkQuery, type WorkState } from './types';
import { WorkError } from './WorkError';

const UNFINISHED: readonly WorkState[] = ['ENQUEUED', 'RUNNING', 'BLOCKED'];

/**
 * One readwrite transaction's view of the work table: reads see the transaction's own writes;
 * writes are buffered and issued together at the end, stamped with the transaction's `rev`.
 *
 * Every writer adds its rev to the log `revs`, which fails the transaction if that rev is taken.
 * Revs are added without gaps, so a writer whose rev r - 1 is committed succeeds only if r - 1 is
 * the head. A plain writer reads the head first; an optimistic one guesses it (the last rev this
 * context knows committed, see `RevGuess`) and its writes go out at once, the add checking the
 * guess. It may also be told records it already knows
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
  /** The rev was taken (another context committed first): the transaction failed. */
  conflict = false;

  constructor(
    readonly tx: WorkTx,
    private readonly rev: Promise<number>,
    readonly now: number,
    readonly optimistic = false,
    /**
     * Whether this realm's knowledge proves that `id` is stored at `rev` if this transaction
     * commits at all (see `RevGuess.trusts`): then `know` needs no read.
     */
    private readonly trusted: (id: string, rev: number) => boolean = () => false,
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
   * stored one, checked by rev before the transaction commits, unless the realm's knowledge
   * already proves it current (then the transaction can commit without waiting for a read to
   * come back). A no-op on a plain writer.
   */
  know(record: WorkRecord): void {
    if (!this.optimistic || this.known.has(record.id) || this.records.has(record.id)) return;
    const copy = copyPlain(record);
    const expected = record.rev; // the copy is stamped with this transaction's rev on flush
    this.known.set(record.id, copy);
    if (this.trusted(record.id, expected)) return;
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

  async byIndex(index: 'tags' | 'uniqueName', key: string): Promise<WorkRecord[]> {
    return this.current(await this.tx.objectStore('work').index(index).getAll(key));
  }

  /** Every work in `state` (through the `due` index), as this transaction sees it. */
  async inState(state: WorkState): Promise<WorkRecord[]> {
    return this.current(await byState(this.tx, state));
  }

  /** The readable ones of `values`, as this transaction sees them (its own writes included). */
  private async current(values: unknown[]): Promise<WorkRecord[]> {
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
   * Issues the rev's add and the buffered writes, stamped with the rev (new works get their
   * enqueue order). Null when nothing changed: then nothing is written, not even the rev.
   */
  async flush(): Promise<WorkChange | null> {
    if (this.records.size === 0 && this.deleted.size === 0) return null;
    const rev = await this.rev;
    // Fire-and-forget requests straight on IndexedDB: idb's wrapper would add a proxy, a
    // promise and four listeners to each. A failed request (its error event not prevented)
    // fails the transaction, whose error is reported by `tx.done`.
    const tx = raw(this.tx);
    const taken = tx.objectStore('revs').add(this.now, rev);
    taken.onerror = () => (this.conflict ||= isConstraintError(taken.error));
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
    return { type: 'work-change', rev, at: this.now, records, deleted: [...this.deleted] };
  }
}

/**
 * An op of this realm's scheduler (a claim or a result) that another transaction of the realm
 * on the same database may carry, instead of the scheduler committing it in a transaction of its
 * own: see `WorkStore.offerRiders`.
 */
export interface Rider {
  op: (w: Writer) => Promise<unknown>;
  strict: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface RiderQueue {
  /** Hands over the queued ops a transaction of this durability may carry (strict: all). */
  take(strict: boolean): Rider[];
  /** Ops taken whose transaction did not commit: queued again, as they were. */
  giveBack(riders: Rider[]): void;
}

/** The rider queues of each database in this realm. */
const riderQueues = new Map<string, Set<RiderQueue>>();

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
  private inFlight = 0;
  private readonly idleListeners = new Set<() => void>();
  private readonly revs: RevGuess;

  /** Operations in flight: a test driver waits for them before it calls the system idle. */
  get pending(): number {
    return this.inFlight;
  }

  set pending(count: number) {
    this.inFlight = count;
    if (count === 0) for (const listener of [...this.idleListeners]) listener();
  }

  /** Calls `listener` whenever the operations in flight drop to none; returns the unsubscribe. */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  constructor(
    readonly db: WorkDb,
    readonly hub: WorkHub,
    private readonly now: () => number,
  ) {
    this.revs = revGuess(db.name);
    hub.subscribe((change) => this.revs.process(change));
  }

  /**
   * Lets this realm's other writers on this database carry `queue`'s ops in their transactions
   * (after their own body, committed with it; given back if it fails). A page that enqueues
   * with its executor in the same realm then commits the executor's claims and results with its
   * enqueues: one strict transaction where there were two. Returns the function that withdraws
   * the offer.
   */
  offerRiders(queue: RiderQueue): () => void {
    let queues = riderQueues.get(this.db.name);
    if (!queues) riderQueues.set(this.db.name, (queues = new Set()));
    queues.add(queue);
    return () => {
      queues.delete(queue);
      if (queues.size === 0 && riderQueues.get(this.db.name) === queues) {
        riderQueues.delete(this.db.name);
      }
    };
  }

  private takeRiders(strict: boolean): { queue: RiderQueue; riders: Rider[] }[] {
    const taken: { queue: RiderQueue; riders: Rider[] }[] = [];
    for (const queue of riderQueues.get(this.db.name) ?? []) {
      const riders = queue.take(strict);
      if (riders.length) taken.push({ queue, riders });
    }
    return taken;
  }

  /**
   * Resolves once the transactions this realm has in flight on this database now have ended, or
   * after `maxMs`: a writer created then may trust what the realm knows (see `RevGuess.trusts`).
   */
  settled(maxMs: number): Promise<void> {
    return this.revs.settled(maxMs);
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
    carry = true,
  ): Promise<T> {
    if (this.closed) throw new WorkError('closed');
    const durability: IDBTransactionDurability = strict ? 'strict' : 'default';
    const tx = this.db.transaction(['work', 'revs'], 'readwrite', { durability });
    // Optimistic: the next rev after the last one known committed here, checked by its add.
    const guess = optimistic ? this.revs.reserve(this.now()) : null;
    const head = guess !== null ? null : readHead(tx);
    const rev = guess !== null ? Promise.resolve(guess) : head!.then((n) => n + 1);
    rev.catch(() => undefined); // an aborted transaction rejects it: that is reported below
    const trusted =
      guess !== null ? (id: string, r: number) => this.revs.trusts(id, r, guess) : undefined;
    const writer = new Writer(tx, rev, this.now(), guess !== null, trusted);
    let result: T;
    let change: WorkChange | null;
    let taken: { queue: RiderQueue; riders: Rider[] }[] = [];
    const giveBack = () => {
      for (const { queue, riders } of taken) queue.giveBack(riders);
      taken = [];
    };
    const carried: unknown[] = [];
    try {
      result = await body(writer);
      taken = carry && !this.closed ? this.takeRiders(strict) : [];
      try {
        for (const { riders } of taken) for (const r of riders) carried.push(await r.op(writer));
      } catch {
        // A rider's own failure must not fail this body: its scheduler runs it alone again.
        if (guess !== null) this.revs.unused(guess);
        giveBack();
        abort(tx);
        await tx.done.catch(() => undefined);
        return this.mutateNow(strict, body, false, false);
      }
      change = await writer.flush();
      if (guess !== null && !change) this.revs.unused(guess);
      if (!(await writer.verified())) {
        // What the body assumed no longer holds: nothing of it may commit.
        if (guess !== null && change) this.revs.unused(guess);
        giveBack();
        abort(tx);
        await tx.done.catch(() => undefined);
        return this.mutateNow(strict, body, false);
      }
      commitNow(tx);
    } catch (error) {
      if (guess !== null) this.revs.unused(guess);
      giveBack();
      abort(tx);
      await tx.done.catch(() => undefined);
      throw error;
    }
    try {
      await tx.done;
    } catch (error) {
      giveBack();
      if (writer.conflict && guess !== null) {
        // Another context committed a rev not heard of yet: run again on the stored one.
        this.revs.unused(guess);
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
      // A plain writer read the head: what this realm knows of the revs before it may have gaps.
      if (head) this.revs.rebase(change.rev - 1);
      if (guess !== null) this.revs.ended(guess);
      this.revs.process(change);
      this.hub.publish(change);
      if (change.rev % REV_LOG_COMPACT_EVERY === 0) {
        void this.counted(this.compactRevs()).catch(() => undefined);
      }
    }
    let i = 0;
    for (const { riders } of taken) for (const r of riders) r.resolve(carried[i++]);
    return result;
  }

  /** The records matching `query` and the rev they were read at, in one transaction. */
  async read(query: WorkQuery): Promise<Snapshot> {
    const readAt = this.now();
    const tx = this.db.transaction(['work', 'revs'], 'readonly');
    const [rev, values] = await Promise.all([readHead(tx), candidates(tx, query)]);
    await tx.done;
    const records = values.filter(readable).filter((r) => matchesQuery(r, query));
    const unique = [...new Map(records.map((r) => [r.id, r])).values()].sort(byOrder);
    this.revs.see(rev, readAt);
    return { records: unique, rev };
  }

  /**
   * Deletes the log's oldest entries: those more than `keep` revs below the head and written
   * more than `maxAgeMs` ago. A realm guesses rev r only while what it knows of r - 1 is at most
   * `GUESS_FRESH_MS` old (`RevGuess.reserve`), so an entry it could collide with is never this
   * old. Runs after every `REV_LOG_COMPACT_EVERY`th rev; resolves with the number deleted.
   */
  async compactRevs(keep = REV_LOG_KEEP, maxAgeMs = REV_LOG_MAX_AGE_MS): Promise<number> {
    const tx = this.db.transaction('revs', 'readwrite');
    const top = await tx.store.openKeyCursor(null, 'prev');
    const cutoff = this.now() - maxAgeMs;
    let end: number | null = null;
    let deleted = 0;
    if (top && top.key - keep > 0) {
      let cursor = await tx.store.openCursor(IDBKeyRange.upperBound(top.key - keep, true));
      while (cursor) {
        const at = typeof cursor.value === 'number' ? cursor.value : 0;
        if (at >= cutoff) break;
        end = cursor.key;
        deleted++;
        cursor = await cursor.continue();
      }
    }
    if (end !== null) await tx.store.delete(IDBKeyRange.upperBound(end));
    await tx.done;
    return deleted;
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
    const values: unknown[] = await this.db.getAllFromIndex('work', 'due', stateRange('RUNNING'));
    return values.filter(readable);
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }
}

/**
 * The optimistic rev guesses of one database in this realm (a page's manager and executor share
 * it), and what the realm knows of its commits. A guess is one more than the last rev this realm
 * knows committed, made only while no guess of the realm is outstanding (a guess behind one in
 * flight could leave a gap in the log if that one failed) and while that knowledge is fresh (an
 * old entry of the log may have been compacted, and an add on a compacted rev would succeed). So
 * a wrong guess costs a retry, never a wrong rev: the add fails unless the guess was right.
 */
interface RevGuess {
  /**
   * The guess, outstanding until `unused` or `ended`; null when the writer must read the head:
   * before the first rev is known, while a guess is outstanding, and once what this realm knows
   * of the head is more than `GUESS_FRESH_MS` old at `now`.
   */
  reserve(now: number): number | null;
  /** `guess` will not be committed (nothing written, or aborted). */
  unused(guess: number): void;
  /** The transaction that guessed `guess` committed (its change is processed next). */
  ended(guess: number): void;
  /** A guess was wrong: the next writer reads the head. */
  forget(): void;
  /** The head read from the store, by a transaction begun at `at`. */
  see(rev: number, at: number): void;
  /** A committed change, this realm's own or heard from another: each may come more than once. */
  process(change: WorkChange): void;
  /** Every change up to `rev` is committed, but this realm may have missed some of them. */
  rebase(rev: number): void;
  /**
   * True when a transaction that guessed `guess`, if it commits, finds `id` stored at `rev`:
   * its add makes it fail unless `guess - 1` is still the head, and this realm has processed
   * every change up to `guess - 1`, the last of which to touch `id` left it at `rev`. Revs have
   * no gaps, so that is the stored state.
   */
  trusts(id: string, rev: number, guess: number): boolean;
  /** Resolves once the guesses outstanding now have ended, or after `maxMs`. */
  settled(maxMs: number): Promise<void>;
}

/** Beyond this many changes processed out of order, or records remembered, start afresh. */
const KNOWLEDGE_LIMIT = 5000;

/** A realm guesses a rev only while what it knows of the head is at most this old. */
export const GUESS_FRESH_MS = 10 * 60_000;
/** The log keeps at least this many revs below the head, and every entry younger than the age. */
export const REV_LOG_KEEP = 1000;
export const REV_LOG_MAX_AGE_MS = 60 * 60_000;
/** Compaction runs after every this-many-th rev. */
export const REV_LOG_COMPACT_EVERY = 1000;

const guesses = new Map<string, RevGuess>();

function revGuess(name: string): RevGuess {
  let guess = guesses.get(name);
  if (guess) return guess;
  let last: number | null = null;
  // When `last` was known (its writer's time, or when a read saw it as the head): an entry of
  // the log above it is no older than that.
  let lastAt = -Infinity;
  // The one guess outstanding (`reserve` makes none while there is one), and who waits for it.
  let outstanding: number | null = null;
  let waiters: (() => void)[] = [];
  // Knowledge: every change in (base, through] was processed; `latest` has, for each record one
  // of them touched, the last rev that did (and whether it was left stored or deleted).
  let base: number | null = null;
  let through = 0;
  const ahead = new Set<number>();
  const latest = new Map<string, { rev: number; stored: boolean }>();
  const end = (g: number): void => {
    if (outstanding !== g) return;
    outstanding = null;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const startAfresh = (rev: number): void => {
    base = through = rev;
    ahead.clear();
    latest.clear();
  };
  const note = (id: string, rev: number, stored: boolean): void => {
    const known = latest.get(id);
    if (!known || known.rev < rev) latest.set(id, { rev, stored });
  };
  guess = {
    reserve: (now) => {
      if (last === null || outstanding !== null || now - lastAt > GUESS_FRESH_MS) return null;
      outstanding = ++last;
      return last;
    },
    unused: (g) => {
      end(g);
      last = last === g ? g - 1 : null;
    },
    ended: end,
    forget: () => {
      last = null;
    },
    see: (rev, at) => {
      if (last === null || rev > last) last = rev;
      lastAt = Math.max(lastAt, at);
    },
    process: (change) => {
      const rev = change.rev;
      if (last === null || rev > last) last = rev;
      // A change from an older version carries no time: its rev is known, not how fresh.
      if (typeof change.at === 'number') lastAt = Math.max(lastAt, change.at);
      if (base === null) startAfresh(rev - 1);
      if (rev <= base! || rev <= through || ahead.has(rev)) return;
      for (const r of change.records) note(r.id, rev, true);
      for (const id of change.deleted) note(id, rev, false);
      if (rev === through + 1) {
        through = rev;
        while (ahead.delete(through + 1)) through++;
      } else ahead.add(rev);
      if (ahead.size > KNOWLEDGE_LIMIT || latest.size > KNOWLEDGE_LIMIT) startAfresh(last);
    },
    rebase: (rev) => {
      if (base === null || rev > through) startAfresh(rev);
    },
    trusts: (id, rev, g) => {
      if (base === null || through !== g - 1) return false;
      const known = latest.get(id);
      return known !== undefined && known.stored && known.rev === rev;
    },
    settled: (maxMs) =>
      outstanding === null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, maxMs);
            waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
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
    const lists = await Promise.all(q.states.map((s) => byState(tx, s)));
    return lists.flat();
  }
  return store.getAll();
}

export { UNFINISHED, isFinished };
