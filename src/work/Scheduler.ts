import type { WorkChange } from './broadcast';
import type { Clock } from './clock';
import { unmetConstraint, type ConstraintSource } from './constraints';
import { checkData } from './data';
import type { AnyWorkerDefinition, WorkResult, WorkerContext } from './defineWorker';
import type { LockManagerLike, LockOptions } from './locks';
import { ProgressWriter } from './ProgressWriter';
import type { WorkRecord } from './record';
import { COMBINE_WORKER, DAY, MINUTE } from './requests';
import type { Rider, WorkStore, Writer } from './store';
import { claim, complete, prune, recover, type AttemptToken, type Outcome } from './transitions';
import type { Data, StopReason } from './types';
import { WorkError } from './WorkError';

export interface SchedulerOptions {
  /** The database name given to WorkManager.open: lock names derive from it. */
  name: string;
  store: WorkStore;
  workers: readonly AnyWorkerDefinition[];
  clock: Clock;
  locks: LockManagerLike;
  constraints: ConstraintSource;
  /** This context's id, written as the owner of what it runs. */
  owner?: string;
  maxConcurrency?: number;
  /** WorkManager stops a run after 10 minutes. */
  runTimeoutMs?: number;
  /** The safety net: a re-scan this often, whatever the broadcasts said. */
  rescanMs?: number;
  progressIntervalMs?: number;
  /** Told each decision (launch, claim, recovery, lead…): for debugging; off by default. */
  trace?: TraceFn;
}

/** A debugging hook: an event name and what it concerned. */
export type TraceFn = (event: string, detail?: Record<string, unknown>) => void;

interface Run {
  token: AttemptToken;
  record: WorkRecord;
  controller: AbortController;
  progress: ProgressWriter;
  stopped: boolean;
  /** The worker's run() has settled: nothing left to abort. */
  settled: boolean;
  /** Resolves when the worker's run() has settled, however. */
  done: Promise<void>;
}

export interface DrainOptions {
  /** Stop taking new work at this clock time. */
  deadline?: number;
  signal?: AbortSignal;
}

export interface DrainResult {
  ran: number;
  /** Work is still waiting (due later, blocked, or unmet constraints): ask for another wake-up. */
  remaining: boolean;
}

/** How many due works one scan reads ahead into the hints. */
const SCAN_BATCH = 256;
/** The longest a group commit waits for this realm's transactions in flight to end. */
const SETTLE_MAX_MS = 10;

const combineWorker: AnyWorkerDefinition = {
  name: COMBINE_WORKER,
  run: (ctx: WorkerContext) => ({ type: 'success', output: ctx.input }),
};

/**
 * The lease of one executor (a Scheduler): held from its start until it has stopped with nothing
 * of its own left running (or is closed, or dies), so that work RUNNING under `owner` has a live
 * runner exactly while this lock is held.
 */
export function ownerLockName(name: string, owner: string): string {
  return `work:${name}:owner:${owner}`;
}

/**
 * A work's own lock. A stopped run whose worker has not returned yet holds it (the work is
 * ENQUEUED again, and a worker's signal is only a request), and so did every run in schema
 * versions 1–3 (the upgrade closes an older context's connection, not its worker). A launch of
 * work that has run before claims inside it, and recovery waits for it: never two runs at once.
 */
export function workLockName(name: string, id: string): string {
  return `work:${name}:run:${id}`;
}

export function schedulerLockName(name: string): string {
  return `work:${name}:scheduler`;
}

/**
 * Runs due work in one context: lock, then claim, then run; stops runs that are cancelled, time
 * out or lose a constraint; recovers work whose owner is gone. Driven by broadcasts, a timer
 * for the next due work, constraint changes and a periodic re-scan.
 */
export class Scheduler {
  readonly owner: string;
  private readonly workers = new Map<string, AnyWorkerDefinition>();
  private readonly runs = new Map<string, Run | 'claiming'>();
  private readonly constraintsMet = new Set<string>();
  private readonly delayMet = new Set<string>();
  /** ENQUEUED work heard of (broadcasts, scans): launched without scanning the table again. */
  private readonly hints = new Map<string, WorkRecord>();
  private pending: Rider[] = [];
  private committing = false;
  /** This scheduler's lease (`ownerLockName`): its release, once granted. */
  private lease: Promise<() => void> | undefined;
  /** Runs whose worker has settled and whose result is being committed: their slot is free. */
  private readonly finishing = new Set<string>();
  /** The last scan saw every due work; until a timer, a constraint change or `rescan()`. */
  private scanClean = false;
  /** When the earliest work not yet due was due, at the last scan. */
  private laterAt = Infinity;
  private accepting = false;
  private dead = false;
  private pumping = false;
  private again = false;
  private timer: unknown = null;
  /** When `timer` fires. */
  private timerAt = Infinity;
  private concurrency: number | undefined;
  private retryTimer: unknown = null;
  /** Scans, claims, commits and recoveries in flight (a worker's own run is not counted). */
  private busy = 0;
  /** Workers whose run() has not settled yet. */
  private working = 0;
  private waiters: { idle: boolean; resolve: () => void }[] = [];
  private unsubscribe: (() => void)[] = [];
  private ran = 0;
  /** RUNNING work of other owners whose lease this scheduler is queued for (see recover). */
  private readonly awaitingOwner = new Map<string, AbortController>();
  private killed: Promise<void>;
  private kill_: () => void = () => undefined;

  constructor(private readonly o: SchedulerOptions) {
    this.owner = o.owner ?? crypto.randomUUID();
    for (const w of [combineWorker, ...o.workers]) this.workers.set(w.name, w);
    this.killed = new Promise((resolve) => (this.kill_ = resolve));
    o.store.onIdle(() => this.notify());
  }

  /** Reports a decision to the `trace` option, if any (Leadership and the runtimes use it too). */
  trace(event: string, detail?: Record<string, unknown>): void {
    this.o.trace?.(event, { owner: this.owner.slice(0, 8), ...detail });
  }

  /** Takes work from now on, until `stop()`. */
  async start(): Promise<void> {
    if (this.accepting || this.dead) return;
    this.trace('start');
    // Nothing is claimed before the lease is held (lease, then claim). It may wait while
    // another context recovers what an earlier run of this scheduler left RUNNING. A lease let
    // go by a stop() while this waited is taken again.
    for (;;) {
      const lease = (this.lease ??= this.requestLease());
      await lease;
      if (this.accepting || this.dead) return;
      if (this.lease === lease) break;
    }
    this.accepting = true;
    // Started again after a stop (leadership given up and taken back): what was heard is stale.
    this.scanClean = false;
    this.hints.clear();
    this.unsubscribe.push(
      this.o.store.hub.subscribe((change) => this.onChange(change)),
      this.o.constraints.subscribe(() => this.onConstraints()),
      // Claims and results may ride in this realm's other transactions (a page's enqueues).
      this.o.store.offerRiders({
        take: (strict) => {
          if (strict) return this.pending.splice(0);
          const taken = this.pending.filter((o) => !o.strict);
          this.pending = this.pending.filter((o) => o.strict);
          return taken;
        },
        giveBack: (riders) => {
          this.pending.unshift(...riders);
          this.kickCommit();
        },
      }),
    );
    await this.track(this.pruneExpired());
    await this.track(this.recover());
    this.requestPump();
  }

  /**
   * For a short-lived context (the service worker): run due work until nothing is due, the
   * deadline passes or the signal aborts; then stop taking work and wait for the runs in flight.
   */
  async drain(options: DrainOptions = {}): Promise<DrainResult> {
    const before = this.ran;
    await this.start();
    const stopAt = new Promise<void>((resolve) => {
      options.signal?.addEventListener('abort', () => resolve());
      if (options.deadline !== undefined) {
        this.o.clock.setTimeout(resolve, options.deadline - this.o.clock.now());
      }
    });
    await Promise.race([this.whenIdle(), stopAt]);
    await this.stop();
    const left = await this.o.store.read({ states: ['ENQUEUED', 'BLOCKED', 'RUNNING'] });
    return { ran: this.ran - before, remaining: left.records.length > 0 };
  }

  /**
   * Stops taking new work, and waits for the runs in flight to end (a worker deaf to its signal
   * too). The lease goes as soon as nothing of this scheduler's is in flight, at once if nothing
   * is (a page whose worker holds a Web Lock is kept out of the back/forward cache); work it left
   * RUNNING without a run (a result whose commit failed) is then anyone's to recover. The next
   * start takes the lease again.
   */
  async stop(): Promise<void> {
    this.trace('stop', { runs: [...this.runs.keys()] });
    this.accepting = false;
    this.clearTimer();
    this.stopAwaitingOwners();
    for (const u of this.unsubscribe.splice(0)) u();
    this.letGoLeaseIfIdle();
    await this.whenIdle();
    this.letGoLeaseIfIdle();
  }

  /** Stops, lets go of the lease, then closes this scheduler's connection and channel. */
  async close(): Promise<void> {
    await this.stop();
    this.letGoLease();
    this.o.store.hub.close();
    this.o.store.close();
  }

  /** A crash, for tests: forget every run, release every lock, never write again. */
  kill(): void {
    this.dead = true;
    this.accepting = false;
    this.clearTimer();
    this.stopAwaitingOwners();
    for (const u of this.unsubscribe.splice(0)) u();
    for (const run of this.runs.values()) {
      if (run !== 'claiming') {
        run.progress.cancel();
        run.controller.abort(new WorkError('closed', 'the executor stopped'));
      }
    }
    this.kill_();
    this.letGoLease();
    this.o.store.close();
  }

  /** Requests this scheduler's lease: resolves, once held, with the function that lets go. */
  private requestLease(): Promise<() => void> {
    return new Promise((granted, failed) => {
      this.o.locks
        .request(ownerLockName(this.o.name, this.owner), {}, () => {
          this.trace('lease');
          return new Promise<void>((letGo) => granted(letGo));
        })
        .catch(failed);
    });
  }

  /** Stopped (not started again), and nothing of this scheduler's in flight. */
  private letGoLeaseIfIdle(): void {
    if (!this.accepting && !this.dead && !this.isBusy()) this.letGoLease();
  }

  private letGoLease(): void {
    const lease = this.lease;
    this.lease = undefined;
    void lease?.then((letGo) => {
      this.trace('lease-let-go');
      letGo();
    });
  }

  /** Resolves when nothing is being claimed, run, recovered or scanned. */
  whenIdle(): Promise<void> {
    return this.when(true);
  }

  /** Resolves when only workers' own runs are in flight: the library has nothing to do. */
  whenSettled(): Promise<void> {
    return this.when(false);
  }

  /** True while the library (or, with `idle`, also a worker) has something in flight. */
  isBusy(idle = true): boolean {
    return this.busy > 0 || this.o.store.pending > 0 || (idle && this.working > 0);
  }

  private when(idle: boolean): Promise<void> {
    if (!this.isBusy(idle)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ idle, resolve });
      this.notify();
    });
  }

  /**
   * Wakes the waiters whose condition now holds. Called when `track`ed work ends and when the
   * store's writes in flight drop to none, whoever began them (a progress write, say): a stop()
   * must never wait for a wake-up that cannot come (an executor that never reached idle kept
   * the scheduler lock for minutes).
   */
  private notify(): void {
    if (this.busy > 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (this.isBusy(w.idle)) return true;
      w.resolve();
      return false;
    });
  }

  /** Stops a running work as the system would: re-enqueued with `reason`. */
  async stopWork(id: string, reason: StopReason): Promise<void> {
    // Observers may see RUNNING before the claim's caller has started the worker.
    if (this.runs.get(id) === 'claiming') await this.whenSettled();
    const run = this.runs.get(id);
    if (!run || run === 'claiming') throw new WorkError('not-found', `${id} is not running here`);
    await this.stopRun(run, reason);
  }

  setAllConstraintsMet(id: string): void {
    this.constraintsMet.add(id);
    this.requestPump();
  }

  setDelayMet(id: string): void {
    this.delayMet.add(id);
    this.requestPump();
  }

  /** Runs `p` counted as busy; its failure is reported, unless this scheduler is dead. */
  private background(p: Promise<unknown>, then?: () => void): void {
    void this.track(p)
      .then(
        () => undefined,
        (error: unknown) => {
          if (!this.dead) console.error('work: the scheduler failed', error);
        },
      )
      .finally(then);
  }

  private async track<T>(p: Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await p;
    } finally {
      this.busy--;
      this.notify();
    }
  }

  private onChange(change: WorkChange): void {
    for (const id of change.deleted) {
      this.abortLost(id, undefined);
      this.hints.delete(id);
    }
    let wake = false;
    for (const r of change.records) {
      if (this.runs.has(r.id)) this.abortLost(r.id, r);
      if (r.state === 'ENQUEUED') {
        this.hints.set(r.id, r);
        wake = true;
      } else {
        this.hints.delete(r.id);
      }
    }
    if (wake) this.requestPump();
  }

  /** Forgets what the broadcasts said and scans the table: after the context was frozen, say. */
  rescan(): void {
    this.scanClean = false;
    this.requestPump();
  }

  /** Cancelled or replaced elsewhere: abort the worker; its late result will be ignored. */
  private abortLost(id: string, r: WorkRecord | undefined): void {
    const run = this.runs.get(id);
    // A settled run's own result (or a change racing it) has no worker left to abort.
    if (!run || run === 'claiming' || run.stopped || run.settled) return;
    const t = run.token;
    if (r && r.state === 'RUNNING' && r.owner === t.owner && r.runAttemptCount === t.attempt)
      return;
    run.stopped = true;
    run.progress.cancel();
    run.controller.abort(new WorkError('not-found', `work ${id} was cancelled or replaced`));
  }

  private onConstraints(): void {
    this.scanClean = false;
    const state = this.o.constraints.current();
    for (const run of this.runs.values()) {
      if (run === 'claiming' || this.constraintsMet.has(run.token.id)) continue;
      const reason = unmetConstraint(run.record.constraints, state);
      if (reason) this.background(this.stopRun(run, reason));
    }
    this.requestPump();
  }

  private requestPump(): void {
    if (!this.accepting) return;
    this.again = true;
    if (this.pumping) return;
    this.pumping = true;
    this.background(this.pumpLoop());
  }

  /** `pumping` drops in the same turn as the last check of `again`, so no wake-up is lost. */
  private async pumpLoop(): Promise<void> {
    try {
      while (this.again && this.accepting) {
        this.again = false;
        await this.pumpOnce();
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Launches due work: first what the broadcasts announced, then, while slots are free and the
   * last scan may have missed something, what a scan of the table finds (kept as hints too).
   */
  private async pumpOnce(): Promise<void> {
    const now = this.o.clock.now();
    for (const r of await this.delayMetWork()) this.consider(r);
    for (const r of [...this.hints.values()]) {
      if (r.nextRunAt <= now && !this.consider(r)) break;
    }
    if (!this.scanClean && this.occupied < this.maxConcurrency) await this.scan(now);
    if (!this.accepting) return;
    let wake = Math.min(this.laterAt, now + (this.o.rescanMs ?? MINUTE / 2));
    for (const r of this.hints.values()) if (r.nextRunAt > now) wake = Math.min(wake, r.nextRunAt);
    this.trace('pump', { runs: this.runs.size, hints: this.hints.size, wakeInMs: wake - now });
    this.arm(wake);
  }

  private async scan(now: number): Promise<void> {
    let seen = 0;
    this.scanClean = true;
    this.laterAt = await this.o.store.scanDue(now, (r) => {
      if (!this.runs.has(r.id)) this.hints.set(r.id, r);
      this.consider(r);
      if (++seen < SCAN_BATCH) return true;
      this.scanClean = false;
      return false;
    });
  }

  /** Launches `r` if it may run now; false when no more work can start. */
  private consider(r: WorkRecord): boolean {
    if (!this.accepting || this.occupied >= this.maxConcurrency) return false;
    if (this.runs.has(r.id)) return true;
    const state = this.o.constraints.current();
    if (!this.constraintsMet.has(r.id) && unmetConstraint(r.constraints, state)) return true;
    this.launch(r);
    return true;
  }

  /** Work the test driver said is due whatever its schedule (setInitialDelayMet and the like). */
  private async delayMetWork(): Promise<WorkRecord[]> {
    const out: WorkRecord[] = [];
    for (const id of this.delayMet) {
      const r = await this.o.store.get(id);
      if (r?.state === 'ENQUEUED') out.push(r);
    }
    return out;
  }

  /** Slots taken: launches and workers still running (a run committing its result is not). */
  private get occupied(): number {
    return this.runs.size - this.finishing.size;
  }

  /** Read once: `navigator.hardwareConcurrency` is a call into the browser, and asked per work. */
  private get maxConcurrency(): number {
    if (this.concurrency === undefined) {
      const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
        ?.hardwareConcurrency;
      this.concurrency = this.o.maxConcurrency ?? Math.max(2, cores ?? 4);
    }
    return this.concurrency;
  }

  /**
   * Wakes at clock time `at` (counted from the clock's now: the scan may have taken a while).
   * A timer already armed for no later stays: firing early only pumps (and recovers) sooner,
   * and the pump re-arms; re-arming on every pump cost a clear and a set per work.
   */
  private arm(at: number): void {
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      this.scanClean = false;
      this.background(this.recover());
      this.requestPump();
    }, at - this.o.clock.now());
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    if (this.retryTimer !== null) this.o.clock.clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
  }

  /**
   * Lease, then claim: the claim (ENQUEUED → RUNNING, attempt + 1, this owner) is one
   * transaction, so two contexts never both claim an attempt, and this scheduler's lease, held
   * since it started, tells every other context that the run is alive until it ends. Work that
   * has run before is claimed inside its own lock, which a stopped run's worker that has not
   * returned yet still holds (see `stopRun`); the claim takes only the attempt it was decided on.
   */
  private launch(hint: WorkRecord): void {
    const id = hint.id;
    this.runs.set(id, 'claiming');
    this.hints.delete(id);
    this.delayMet.delete(id);
    const claimNow = () =>
      this.commit(false, async (w) => {
        w.know(hint); // as heard: checked by rev in the same transaction
        const r = await w.get(id);
        return r?.runAttemptCount === hint.runAttemptCount ? claim(w, r, this.owner) : null;
      });
    let taken = true;
    const run = async () => {
      const ranBefore = hint.runAttemptCount > 0;
      this.trace('launch', { id, rev: hint.rev, inOwnLock: ranBefore });
      const record = await (ranBefore
        ? this.o.locks.request(workLockName(this.o.name, id), { ifAvailable: true }, (lock) =>
            (taken = lock !== null) && !this.dead ? claimNow() : null,
          )
        : claimNow());
      this.trace('claim', { id, claimed: !!record, lock: taken, attempt: record?.runAttemptCount });
      if (record && !this.dead) await Promise.race([this.execute(record), this.killed]);
    };
    this.background(run(), () => {
      this.runs.delete(id);
      this.finishing.delete(id);
      if (taken) this.requestPump();
      else this.retrySoon();
    });
  }

  /**
   * The work's own lock was taken: an earlier attempt's worker is still running somewhere (it
   * was stopped and has not returned), or a recovery holds it for a moment. Look again shortly.
   */
  private retrySoon(): void {
    if (this.retryTimer !== null || !this.accepting) return;
    this.trace('retry-soon');
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = null;
      this.rescan();
    }, 50);
  }

  private async execute(record: WorkRecord): Promise<void> {
    const token = { id: record.id, owner: this.owner, attempt: record.runAttemptCount };
    const interval = this.o.progressIntervalMs ?? 100;
    let returned = () => undefined as void;
    const run: Run = {
      token,
      record,
      controller: new AbortController(),
      progress: new ProgressWriter(this.o.store, token, this.o.clock, interval),
      stopped: false,
      settled: false,
      done: new Promise<void>((resolve) => (returned = resolve)),
    };
    this.runs.set(record.id, run);
    // A constraint may have been lost between the scan and the claim.
    const unmet = unmetConstraint(record.constraints, this.o.constraints.current());
    if (unmet && !this.constraintsMet.has(record.id)) this.background(this.stopRun(run, unmet));
    const timeout = this.o.clock.setTimeout(
      () => this.background(this.stopRun(run, 'timeout')),
      this.o.runTimeoutMs ?? 10 * MINUTE,
    );
    try {
      const invoked = this.invoke(run);
      void invoked.finally(returned);
      const outcome = await this.working_(invoked);
      run.settled = true;
      if (run.stopped || this.dead) return;
      await run.progress.flush();
      if (this.dead) return;
      const result = this.commit(true, (w) => {
        w.know(run.record); // as claimed here: checked by rev in the same transaction
        return complete(w, token, outcome);
      });
      // The worker is done: its slot takes the next work, whose claim can join this result's
      // transaction (the work stays this run's until the result commits).
      this.finishing.add(record.id);
      this.requestPump();
      const committed = await result;
      this.trace('result', { id: token.id, outcome: outcome.type, committed: !!committed });
      this.ran++;
    } finally {
      this.o.clock.clearTimeout(timeout);
    }
  }

  /** While a worker runs, the scheduler itself is not busy (a test driver may move time). */
  private async working_<T>(p: Promise<T>): Promise<T> {
    this.working++;
    this.busy--;
    this.notify();
    try {
      return await p;
    } finally {
      this.busy++;
      this.working--;
    }
  }

  /**
   * Stops a run (timeout, lost constraint, the driver): re-enqueued now, worker aborted. Until
   * the worker returns, the work's own lock (taken before it is ENQUEUED again) keeps every
   * context from starting it again: aborting its signal only asks the worker to stop.
   */
  private async stopRun(run: Run, reason: StopReason): Promise<void> {
    if (run.stopped || this.dead) return;
    this.trace('stop-run', { id: run.token.id, reason });
    run.stopped = true;
    run.progress.cancel();
    run.controller.abort(new DOMException(reason, 'AbortError'));
    if (!run.settled) await this.holdUntilReturned(run);
    await this.o.store.mutate(true, (w) => complete(w, run.token, { type: 'stop', reason }));
  }

  /** Takes the work's own lock for as long as its stopped worker has not returned. */
  private holdUntilReturned(run: Run): Promise<void> {
    return new Promise((held) => {
      this.o.locks
        .request(workLockName(this.o.name, run.token.id), {}, () => {
          held();
          return Promise.race([run.done, this.killed]);
        })
        .catch(() => held()); // no lock to be had here: the stop must still be committed
    });
  }

  private async invoke(run: Run): Promise<Outcome> {
    const r = run.record;
    const definition = this.workers.get(r.workerName);
    if (!definition) return failed('unknown-worker', r.workerName);
    const ctx: WorkerContext = {
      id: r.id,
      input: r.runInput ?? r.input,
      tags: r.tags,
      runAttemptCount: r.runAttemptCount,
      signal: run.controller.signal,
      setProgress: (p: Data) => run.progress.set(checkData(p, 'progress')),
    };
    try {
      return toOutcome(await definition.run(ctx));
    } catch (error) {
      return failed('worker-threw', error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Re-enqueues RUNNING work whose runner is gone: another owner's whose lease is free (its
   * context closed or crashed), and this scheduler's own that no run of it holds (a result whose
   * commit failed). Work whose owner still holds its lease is recovered the moment it lets go.
   */
  private async recover(): Promise<void> {
    if (this.dead) return;
    for (const r of await this.o.store.running()) {
      if (this.runs.has(r.id) || r.owner === null) continue;
      const token = { id: r.id, owner: r.owner, attempt: r.runAttemptCount };
      if (token.owner === this.owner) {
        // Its own, and no run of it holds it: nothing to wait for.
        const recovered = await this.o.store.mutate(true, (w) => recover(w, token));
        this.trace('recover-own', { id: r.id, recovered });
        if (recovered) this.rescanReleased();
        continue;
      }
      const recovered = await this.whenRunnerGone(token, { ifAvailable: true }, () =>
        this.dead ? null : this.o.store.mutate(true, (w) => recover(w, token)),
      );
      this.trace('recover', { id: r.id, from: r.owner.slice(0, 8), recovered });
      if (recovered === null) this.recoverWhenFree(token);
      else if (recovered) this.rescanReleased();
    }
  }

  /**
   * Runs `then` holding the locks that say the attempt's runner is alive: its owner's lease, and
   * the work's own lock (a v1–v3 run, or a stopped worker that has not returned), each taken with
   * `options`: with `ifAvailable`, null (and `then` not run) while either is held; otherwise
   * queued until both are free (or its `signal` gives up).
   */
  private whenRunnerGone<T>(
    token: AttemptToken,
    options: LockOptions,
    then: () => Promise<T> | T,
  ): Promise<T | null> {
    return this.o.locks.request(ownerLockName(this.o.name, token.owner), options, (lease) =>
      lease
        ? this.o.locks.request(workLockName(this.o.name, token.id), options, (lock) =>
            lock ? then() : null,
          )
        : null,
    );
  }

  /**
   * Launches the work just recovered once the recovery has let go of the locks it held: the
   * broadcast of the recovery arrives while they are still held.
   */
  private rescanReleased(): void {
    if (this.accepting) this.rescan();
  }

  /**
   * The work's owner still holds its lease: it is alive and will commit, or its context is being
   * torn down (a closed tab's worker lets go of its locks one by one). Queue for the lease, so
   * that the work is recovered the moment its old runner lets go — never before.
   */
  private recoverWhenFree(token: AttemptToken): void {
    if (this.awaitingOwner.has(token.id)) return;
    const waiting = new AbortController();
    this.awaitingOwner.set(token.id, waiting);
    void this.whenRunnerGone(token, { signal: waiting.signal }, () =>
      // Counted as busy once granted: a stop() meanwhile waits for this write (untracked, its
      // end woke no waiter, and stopping a paused executor hung about one run in four).
      this.dead || !this.accepting
        ? false
        : this.track(this.o.store.mutate(true, (w) => recover(w, token))),
    )
      .then((recovered) => {
        this.trace('recovered-when-free', { id: token.id, recovered });
        if (recovered) this.rescanReleased();
      })
      .catch(() => this.trace('recover-wait-given-up', { id: token.id })) // the next start recovers it
      .finally(() => this.awaitingOwner.delete(token.id));
  }

  private stopAwaitingOwners(): void {
    for (const waiting of this.awaitingOwner.values()) waiting.abort();
    this.awaitingOwner.clear();
  }

  /**
   * Group commit: claims and results queued together share one transaction (strict if any of
   * them is), so that a busy executor spends fewer transactions per work; each op keeps its own
   * result. Ops wait one task (others queued meanwhile join) and for the transaction in flight
   * (the next one takes them all).
   */
  private commit<T>(strict: boolean, op: (w: Writer) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, strict, resolve: resolve as (v: unknown) => void, reject });
      this.kickCommit();
    });
  }

  private kickCommit(): void {
    if (this.committing || !this.pending.length) return;
    void this.commitPending();
  }

  private async commitPending(): Promise<void> {
    this.committing = true;
    try {
      while (this.pending.length) {
        // After this realm's transactions in flight (an enqueue, say): a transaction created
        // behind one of them must read back every record it assumes before it may commit, and
        // holds up everything queued behind it meanwhile (see RevGuess.trusts in store.ts).
        await this.o.store.settled(SETTLE_MAX_MS);
        // One task more: ops queued meanwhile join, and a transaction this realm starts
        // meanwhile (the next enqueue of a page that awaited the last one) carries them instead
        // (see WorkStore.offerRiders). A zero timer: commits are queued from lock, IndexedDB and
        // worker callbacks, not from timers, so Chromium's clamp of nested timers never builds
        // up; a MessageChannel hop measured no faster in bench:work.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const ops = this.pending.splice(0);
        if (!ops.length) break;
        const strict = ops.some((o) => o.strict);
        try {
          const results = await this.o.store.mutate(strict, async (w) => {
            const out: unknown[] = [];
            for (const o of ops) out.push(await o.op(w));
            return out;
          });
          ops.forEach((o, i) => o.resolve(results[i]));
        } catch (error) {
          for (const o of ops) o.reject(error);
        }
      }
    } finally {
      this.committing = false;
    }
    this.kickCommit(); // ops queued while the last transaction was closing
  }

  /** Automatic retention: finished work kept `keepResultsForMs`, at least a day. */
  private async pruneExpired(): Promise<void> {
    const now = this.o.clock.now();
    const expired = (r: WorkRecord) =>
      r.finishedAt !== null && r.finishedAt + Math.max(r.keepResultsForMs, DAY) <= now;
    await this.o.store.mutate(false, (w) => prune(w, expired));
  }
}

function failed(code: WorkError['code'], message: string): Outcome {
  return { type: 'failure', output: {}, error: { code, message } };
}

function toOutcome(result: unknown): Outcome {
  const r = result as Partial<WorkResult> | null | undefined;
  if (r?.type === 'retry') return { type: 'retry' };
  if (r?.type !== 'success' && r?.type !== 'failure') {
    return failed('invalid-request', 'the worker did not return success(), failure() or retry()');
  }
  try {
    return { type: r.type, output: checkData(r.output, 'output') };
  } catch (error) {
    const e = error as WorkError;
    return failed(e.code, e.message);
  }
}
