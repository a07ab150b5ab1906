import { isData } from './data';
import { backoffDelayMs, type WorkRequest } from './requests';
import type {
  BackoffPolicy,
  Constraints,
  Data,
  Periodicity,
  StopReason,
  WorkFailure,
  WorkInfo,
  WorkState,
} from './types';

/** A work as stored (schema version 1). WorkInfo is derived from it. */
export interface WorkRecord {
  id: string;
  workerName: string;
  state: WorkState;
  tags: string[];
  input: Data;
  /** The input the worker gets: own input merged with the prerequisites' outputs. */
  runInput: Data | null;
  merger: 'overwrite' | 'array';
  outputData: Data;
  progress: Data | null;
  runAttemptCount: number;
  generation: number;
  constraints: Constraints;
  backoff: BackoffPolicy;
  initialDelayMs: number;
  periodicity: Periodicity | null;
  periodCount: number;
  /** Indexed with `state`: the due query is one key range. */
  nextRunAt: number;
  stopReason: StopReason;
  error: WorkFailure | null;
  /** Absent (not null) when the work has no unique name, so the index skips it. */
  uniqueName?: string;
  prerequisites: string[];
  dependents: string[];
  maxAttempts: number | null;
  keepResultsForMs: number;
  enqueuedAt: number;
  /** WorkSpec.lastEnqueueTime: when the current wait began (enqueue, unblock, retry, period). */
  lastEnqueueAt: number;
  /** Orders works enqueued together: the enqueue's rev, then the position in the request. */
  order: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The context running the current attempt, while RUNNING. */
  owner: string | null;
  rev: number;
}

const STATES = new Set(['ENQUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED']);

/** Persisted data is unknown until checked: an older or newer app may have written it. */
export function isWorkRecord(value: unknown): value is WorkRecord {
  const r = value as Partial<WorkRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    typeof r.workerName === 'string' &&
    typeof r.state === 'string' &&
    STATES.has(r.state) &&
    Array.isArray(r.tags) &&
    isData(r.input) &&
    Array.isArray(r.prerequisites) &&
    Array.isArray(r.dependents) &&
    typeof r.runAttemptCount === 'number' &&
    typeof r.nextRunAt === 'number' &&
    typeof r.rev === 'number'
  );
}

export function newRecord(request: WorkRequest, now: number, uniqueName?: string): WorkRecord {
  const record: WorkRecord = {
    id: request.id,
    workerName: request.workerName,
    state: 'ENQUEUED',
    tags: [...request.tags],
    input: request.input,
    runInput: null,
    merger: request.merger,
    outputData: {},
    progress: null,
    runAttemptCount: 0,
    generation: 0,
    constraints: { ...request.constraints },
    backoff: { ...request.backoff },
    initialDelayMs: request.initialDelayMs,
    periodicity: request.kind === 'periodic' ? { ...request.periodicity } : null,
    periodCount: 0,
    nextRunAt: now,
    stopReason: 'not-stopped',
    error: null,
    prerequisites: [],
    dependents: [],
    maxAttempts: request.maxAttempts,
    keepResultsForMs: request.keepResultsForMs,
    enqueuedAt: now,
    lastEnqueueAt: now,
    order: 0,
    startedAt: null,
    finishedAt: null,
    owner: null,
    rev: 0,
  };
  if (uniqueName !== undefined) record.uniqueName = uniqueName;
  return record;
}

/**
 * WorkSpec.calculateNextRunTime: a backed-off retry waits its backoff; periodic work waits its
 * interval, and its first period the initial delay plus `interval - flex`; one-time work its
 * initial delay. All counted from `lastEnqueueAt`.
 */
export function nextRunAt(r: WorkRecord): number {
  if (r.runAttemptCount > 0) return r.lastEnqueueAt + backoffDelayMs(r.backoff, r.runAttemptCount);
  if (!r.periodicity) return r.lastEnqueueAt + r.initialDelayMs;
  if (r.periodCount > 0) return r.lastEnqueueAt + r.periodicity.intervalMs;
  return r.lastEnqueueAt + r.initialDelayMs + r.periodicity.intervalMs - r.periodicity.flexMs;
}

export function toWorkInfo(r: WorkRecord): WorkInfo {
  const info: WorkInfo = {
    id: r.id,
    workerName: r.workerName,
    state: r.state,
    tags: [...r.tags],
    input: r.input,
    outputData: r.outputData,
    progress: r.state === 'RUNNING' && r.progress ? r.progress : {},
    runAttemptCount: r.runAttemptCount,
    generation: r.generation,
    constraints: r.constraints,
    backoff: r.backoff,
    initialDelayMs: r.initialDelayMs,
    nextScheduleTimeMs: r.nextRunAt,
    stopReason: r.stopReason,
    prerequisites: [...r.prerequisites],
    dependents: [...r.dependents],
    enqueuedAt: r.enqueuedAt,
    rev: r.rev,
  };
  if (r.periodicity) info.periodicity = r.periodicity;
  if (r.error) info.error = r.error;
  if (r.uniqueName !== undefined) info.uniqueName = r.uniqueName;
  if (r.startedAt !== null) info.startedAt = r.startedAt;
  if (r.finishedAt !== null) info.finishedAt = r.finishedAt;
  return info;
}

/**
 * A deep copy of plain data (what records and change messages are made of): as
 * `structuredClone`, several times faster on a record, which the hot path copies a few times
 * per work. Anything but primitives, arrays and plain objects (a Date, a Map, a function, data
 * deeper than 64 levels) is handed to `structuredClone`, with its semantics and its errors.
 */
export function copyPlain<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' ? structuredClone(value) : value;
  }
  if (depth > 64) return structuredClone(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return structuredClone(value);
    return value.map((v: unknown) => copyPlain(v, depth + 1)) as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    out[key] = copyPlain((value as Record<string, unknown>)[key], depth + 1);
  }
  return out as T;
}
