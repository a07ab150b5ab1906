import { mergeArrayCreating, mergeOverwriting } from './data';
import { newRecord, nextRunAt, type WorkRecord } from './record';
import type { WorkRequest } from './requests';
import type { Writer } from './store';
import {
  isFinished,
  type Data,
  type ExistingPeriodicWorkPolicy,
  type ExistingWorkPolicy,
  type StopReason,
  type UpdateResult,
  type WorkFailure,
  type WorkState,
} from './types';
import { WorkError } from './WorkError';

/** The state changes of WorkManager's WorkSpec table, each applied inside one Writer. */

export interface EnqueueNode {
  request: WorkRequest;
  /** Ids of requests earlier in the plan, or of work already stored. */
  parents: string[];
}

export interface EnqueuePlan {
  nodes: EnqueueNode[];
  unique?: { name: string; policy: ExistingWorkPolicy | ExistingPeriodicWorkPolicy };
}

export type EnqueueOutcome = 'enqueued' | 'kept' | 'updated';

function finish(r: WorkRecord, state: WorkState, now: number): void {
  r.state = state;
  r.finishedAt = now;
  r.progress = null;
  r.owner = null;
}

/** Every unfinished work reachable through `dependents` from `roots` (roots included). */
async function closure(w: Writer, roots: WorkRecord[]): Promise<WorkRecord[]> {
  const seen = new Map<string, WorkRecord>();
  const queue = [...roots];
  for (let r = queue.shift(); r; r = queue.shift()) {
    if (seen.has(r.id)) continue;
    seen.set(r.id, r);
    for (const id of r.dependents) {
      const dep = await w.get(id);
      if (dep && !seen.has(dep.id)) queue.push(dep);
    }
  }
  return [...seen.values()];
}

/** Cancel: the works and their transitive dependents; finished ones are left as they are. */
export async function cancelTree(w: Writer, roots: WorkRecord[]): Promise<number> {
  let count = 0;
  for (const r of await closure(w, roots)) {
    if (isFinished(r.state)) continue;
    if (r.state === 'RUNNING') r.stopReason = 'cancelled-by-app';
    finish(r, 'CANCELLED', w.now);
    w.put(r);
    count++;
  }
  return count;
}

/** Failure propagates FAILED to every transitive dependent not yet finished. */
async function failDependents(w: Writer, r: WorkRecord): Promise<void> {
  for (const dep of await closure(w, [r])) {
    if (dep.id === r.id || isFinished(dep.state)) continue;
    finish(dep, 'FAILED', w.now);
    w.put(dep);
  }
}

function mergedInput(r: WorkRecord, parents: WorkRecord[]): Data {
  const inputs = [r.input, ...parents.map((p) => p.outputData)];
  return r.merger === 'array' ? mergeArrayCreating(inputs) : mergeOverwriting(inputs);
}

/**
 * A work's state given its prerequisites: FAILED behind a failed one, CANCELLED behind a
 * cancelled one, ENQUEUED (input merged) once all succeeded, else BLOCKED.
 */
function settle(w: Writer, r: WorkRecord, parents: WorkRecord[]): void {
  const failed = parents.some((p) => p.state === 'FAILED');
  const cancelled = parents.some((p) => p.state === 'CANCELLED');
  if (failed || cancelled) {
    finish(r, failed ? 'FAILED' : 'CANCELLED', w.now);
    return;
  }
  if (!parents.every((p) => p.state === 'SUCCEEDED')) {
    r.state = 'BLOCKED';
    return;
  }
  try {
    r.runInput = parents.length ? mergedInput(r, parents) : null;
  } catch (error) {
    finish(r, 'FAILED', w.now);
    r.error = { code: 'merge-failed', message: (error as Error).message };
    return;
  }
  r.state = 'ENQUEUED';
  r.lastEnqueueAt = w.now;
  r.nextRunAt = nextRunAt(r);
}

async function unblockDependents(w: Writer, parent: WorkRecord): Promise<void> {
  for (const id of parent.dependents) {
    const dep = await w.get(id);
    if (!dep || dep.state !== 'BLOCKED') continue;
    const parents = await Promise.all(dep.prerequisites.map((p) => w.get(p)));
    const known = parents.filter((p): p is WorkRecord => p !== undefined);
    settle(w, dep, known);
    w.put(dep);
    if ((dep.state as WorkState) === 'FAILED') await failDependents(w, dep);
  }
}

async function replaceAll(w: Writer, existing: WorkRecord[]): Promise<void> {
  await cancelTree(w, existing);
  for (const r of existing) w.delete(r.id);
}

async function applyUnique(
  w: Writer,
  plan: EnqueuePlan,
): Promise<{ outcome?: EnqueueOutcome; leaves: string[] }> {
  if (!plan.unique) return { leaves: [] };
  const existing = await w.byIndex('uniqueName', plan.unique.name);
  const unfinished = existing.filter((r) => !isFinished(r.state));
  const leaves = existing.filter((r) => r.dependents.length === 0);
  switch (plan.unique.policy) {
    case 'keep':
      if (unfinished.length) return { outcome: 'kept', leaves: [] };
      break;
    case 'update':
      if (unfinished.length) {
        applyUpdate(w, unfinished[0], plan.nodes[0].request);
        return { outcome: 'updated', leaves: [] };
      }
      break;
    case 'append':
      return { leaves: leaves.map((r) => r.id) };
    case 'append-or-replace':
      if (!leaves.some((r) => r.state === 'FAILED' || r.state === 'CANCELLED')) {
        return { leaves: leaves.map((r) => r.id) };
      }
      break;
  }
  await replaceAll(w, existing);
  return { leaves: [] };
}

/** Inserts a plan (already in dependency order) under its unique-work policy. */
export async function enqueuePlan(w: Writer, plan: EnqueuePlan): Promise<EnqueueOutcome> {
  const { outcome, leaves } = await applyUnique(w, plan);
  if (outcome) return outcome;
  for (const node of plan.nodes) {
    const r = newRecord(node.request, w.now, plan.unique?.name);
    const parentIds = node.parents.length ? node.parents : leaves;
    r.prerequisites = [...new Set(parentIds)];
    const parents = await Promise.all(r.prerequisites.map((id) => w.require(id)));
    for (const p of parents) {
      p.dependents.push(r.id);
      w.put(p);
    }
    settle(w, r, parents);
    // Inserted with `add`: an id already stored fails the transaction (no read needed here).
    w.create(r);
  }
  return 'enqueued';
}

/** Lock, then claim: ENQUEUED → RUNNING, attempt + 1, owner. Null when someone else has it. */
export function claim(w: Writer, r: WorkRecord | undefined, owner: string): WorkRecord | null {
  if (!r || r.state !== 'ENQUEUED') return null;
  r.state = 'RUNNING';
  r.runAttemptCount += 1;
  r.owner = owner;
  r.startedAt = w.now;
  r.progress = null;
  w.put(r);
  return r;
}

/** How an attempt ended, as the runner saw it. */
export type Outcome =
  | { type: 'success'; output: Data }
  | { type: 'failure'; output: Data; error?: WorkFailure }
  | { type: 'retry' }
  | { type: 'stop'; reason: StopReason };

export interface AttemptToken {
  id: string;
  owner: string;
  attempt: number;
}

export function holds(r: WorkRecord | undefined, t: AttemptToken): r is WorkRecord {
  return !!r && r.state === 'RUNNING' && r.owner === t.owner && r.runAttemptCount === t.attempt;
}

async function failWork(
  w: Writer,
  r: WorkRecord,
  output: Data,
  error?: WorkFailure,
): Promise<void> {
  finish(r, 'FAILED', w.now);
  r.outputData = output;
  if (error) r.error = error;
  w.put(r);
  await failDependents(w, r);
}

function nextPeriod(w: Writer, r: WorkRecord): void {
  r.state = 'ENQUEUED';
  r.periodCount += 1;
  r.runAttemptCount = 0;
  r.progress = null;
  r.owner = null;
  r.outputData = {};
  r.lastEnqueueAt = w.now;
  r.nextRunAt = nextRunAt(r);
  w.put(r);
}

/** Back to ENQUEUED after a retry or a stop, unless maxAttempts says the work is done. */
async function reenqueue(w: Writer, r: WorkRecord, reason: StopReason | null, atOnce: boolean) {
  if (reason) r.stopReason = reason;
  if (r.maxAttempts !== null && r.runAttemptCount >= r.maxAttempts) {
    const message = `${r.runAttemptCount} attempts`;
    return failWork(w, r, {}, { code: 'max-attempts', message });
  }
  r.state = 'ENQUEUED';
  r.progress = null;
  r.owner = null;
  r.lastEnqueueAt = w.now;
  r.nextRunAt = atOnce ? w.now : nextRunAt(r);
  w.put(r);
}

/** Commits an attempt's end, if the attempt still holds the work; false when it is ignored. */
export async function complete(w: Writer, t: AttemptToken, outcome: Outcome): Promise<boolean> {
  const r = await w.get(t.id);
  if (!holds(r, t)) return false;
  if (outcome.type === 'retry' || outcome.type === 'stop') {
    await reenqueue(w, r, outcome.type === 'stop' ? outcome.reason : null, false);
  } else if (r.periodicity) {
    nextPeriod(w, r);
  } else if (outcome.type === 'failure') {
    await failWork(w, r, outcome.output, outcome.error);
  } else {
    finish(r, 'SUCCEEDED', w.now);
    r.outputData = outcome.output;
    w.put(r);
    await unblockDependents(w, r);
  }
  return true;
}

/** Crash recovery: RUNNING under an owner that is gone → ENQUEUED at once, stop reason unknown. */
export async function recover(w: Writer, t: AttemptToken): Promise<boolean> {
  const r = await w.get(t.id);
  if (!holds(r, t)) return false;
  await reenqueue(w, r, 'unknown', true);
  return true;
}

export async function writeProgress(w: Writer, t: AttemptToken, progress: Data): Promise<boolean> {
  const r = await w.get(t.id);
  if (!holds(r, t)) return false;
  r.progress = progress;
  w.put(r);
  return true;
}

/** updateWork: keeps id, state and attempts; generation + 1. */
export function applyUpdate(w: Writer, r: WorkRecord, request: WorkRequest): UpdateResult {
  if (isFinished(r.state)) return 'not-applied';
  if (request.workerName !== r.workerName || !!r.periodicity !== (request.kind === 'periodic')) {
    throw new WorkError('invalid-request', 'updateWork cannot change the worker or the kind');
  }
  r.input = request.input;
  r.tags = [...request.tags];
  r.constraints = { ...request.constraints };
  r.backoff = { ...request.backoff };
  r.initialDelayMs = request.initialDelayMs;
  r.maxAttempts = request.maxAttempts;
  r.keepResultsForMs = request.keepResultsForMs;
  if (request.kind === 'periodic') r.periodicity = { ...request.periodicity };
  r.generation += 1;
  if (r.state === 'ENQUEUED') r.nextRunAt = nextRunAt(r);
  w.put(r);
  return r.state === 'RUNNING' ? 'applied-for-next-run' : 'applied-immediately';
}

/** pruneWork: finished work none of whose dependents is unfinished. */
export async function prune(
  w: Writer,
  expiredBefore?: (r: WorkRecord) => boolean,
): Promise<number> {
  const finished = (
    await Promise.all((['SUCCEEDED', 'FAILED', 'CANCELLED'] as const).map((s) => w.inState(s)))
  ).flat();
  let count = 0;
  for (const r of finished) {
    if (expiredBefore && !expiredBefore(r)) continue;
    const deps = await Promise.all(r.dependents.map((id) => w.get(id)));
    if (deps.some((d) => d && !isFinished(d.state))) continue;
    w.delete(r.id);
    count++;
  }
  return count;
}
