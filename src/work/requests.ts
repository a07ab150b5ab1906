import { checkData } from './data';
import type { BackoffPolicy, Constraints, Data, Periodicity } from './types';
import { WorkError } from './WorkError';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** WorkManager's backoff bounds (WorkRequest.MIN_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS). */
export const DEFAULT_BACKOFF_DELAY_MS = 30_000;
export const MIN_BACKOFF_DELAY_MS = 10_000;
export const MAX_BACKOFF_DELAY_MS = 5 * HOUR;
/** PeriodicWorkRequest.MIN_PERIODIC_INTERVAL_MILLIS and MIN_PERIODIC_FLEX_MILLIS. */
export const MIN_PERIODIC_INTERVAL_MS = 15 * MINUTE;
export const MIN_PERIODIC_FLEX_MS = 5 * MINUTE;

export interface WorkRequestOptions {
  input?: unknown;
  tags?: readonly string[];
  constraints?: Constraints;
  initialDelayMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** A web addition: after this many attempts a retry, stop or crash ends the work FAILED. */
  maxAttempts?: number;
  /** Finished work is kept at least this long (and at least a day) before automatic pruning. */
  keepResultsForMs?: number;
  id?: string;
}

export interface PeriodicWorkRequestOptions extends WorkRequestOptions {
  intervalMs: number;
  flexMs?: number;
}

export interface OneTimeWorkRequest {
  readonly kind: 'one-time';
  readonly id: string;
  readonly workerName: string;
  readonly input: Data;
  readonly tags: readonly string[];
  readonly constraints: Readonly<Constraints>;
  readonly initialDelayMs: number;
  readonly backoff: Readonly<BackoffPolicy>;
  readonly maxAttempts: number | null;
  readonly keepResultsForMs: number;
  /** 'array' only for the hidden node that `combine` adds. */
  readonly merger: 'overwrite' | 'array';
}

export interface PeriodicWorkRequest extends Omit<OneTimeWorkRequest, 'kind'> {
  readonly kind: 'periodic';
  readonly periodicity: Readonly<Periodicity>;
}

export type WorkRequest = OneTimeWorkRequest | PeriodicWorkRequest;

function nonNegative(value: number | undefined, what: string, fallback = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new WorkError('invalid-request', what);
  return value;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function checkBackoff(backoff: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  const policy = backoff?.policy ?? 'exponential';
  if (policy !== 'exponential' && policy !== 'linear') {
    throw new WorkError('invalid-request', `backoff policy ${String(policy)}`);
  }
  const delayMs = nonNegative(backoff?.delayMs, 'backoff.delayMs', DEFAULT_BACKOFF_DELAY_MS);
  return { policy, delayMs: clamp(delayMs, MIN_BACKOFF_DELAY_MS, MAX_BACKOFF_DELAY_MS) };
}

function checkConstraints(c: Constraints | undefined): Constraints {
  const out: Constraints = {};
  if (c?.network !== undefined) {
    if (c.network !== 'connected' && c.network !== 'unmetered') {
      throw new WorkError('invalid-request', `network constraint ${String(c.network)}`);
    }
    out.network = c.network;
  }
  if (c?.batteryNotLow) out.batteryNotLow = true;
  if (c?.charging) out.charging = true;
  if (c?.storageNotLow) out.storageNotLow = true;
  return out;
}

function checkMaxAttempts(value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isInteger(value) || value < 1) throw new WorkError('invalid-request', 'maxAttempts');
  return value;
}

function newId(): string {
  return crypto.randomUUID();
}

function buildCommon(workerName: string, options: WorkRequestOptions): OneTimeWorkRequest {
  if (typeof workerName !== 'string' || workerName === '') {
    throw new WorkError('invalid-request', 'workerName');
  }
  const tags = [...new Set([workerName, ...(options.tags ?? [])])];
  if (!tags.every((t) => typeof t === 'string')) throw new WorkError('invalid-request', 'tags');
  return {
    kind: 'one-time',
    id: options.id ?? newId(),
    workerName,
    input: checkData(options.input, 'input'),
    tags: Object.freeze(tags),
    constraints: Object.freeze(checkConstraints(options.constraints)),
    initialDelayMs: nonNegative(options.initialDelayMs, 'initialDelayMs'),
    backoff: Object.freeze(checkBackoff(options.backoff)),
    maxAttempts: checkMaxAttempts(options.maxAttempts),
    keepResultsForMs: nonNegative(options.keepResultsForMs, 'keepResultsForMs'),
    merger: 'overwrite',
  };
}

/** OneTimeWorkRequestBuilder: a request for the worker installed under `workerName`. */
export function oneTimeWork(
  workerName: string,
  options: WorkRequestOptions = {},
): OneTimeWorkRequest {
  return Object.freeze(buildCommon(workerName, options));
}

/** PeriodicWorkRequestBuilder: interval clamped up to 15 min, flex to [5 min, interval]. */
export function periodicWork(
  workerName: string,
  options: PeriodicWorkRequestOptions,
): PeriodicWorkRequest {
  const requested = nonNegative(options.intervalMs, 'intervalMs');
  const intervalMs = Math.max(requested, MIN_PERIODIC_INTERVAL_MS);
  const flexMs = clamp(
    nonNegative(options.flexMs, 'flexMs', intervalMs),
    MIN_PERIODIC_FLEX_MS,
    intervalMs,
  );
  const common = buildCommon(workerName, options);
  return Object.freeze({
    ...common,
    kind: 'periodic',
    periodicity: Object.freeze({ intervalMs, flexMs }),
  });
}

/** The hidden node that `WorkContinuation.combine` adds before its dependents. */
export const COMBINE_WORKER = 'work:combine';

export function combineWork(): OneTimeWorkRequest {
  return Object.freeze({ ...buildCommon(COMBINE_WORKER, {}), merger: 'array' });
}

/** WorkSpec.calculateNextRunTime's backoff part: the wait after `attempts` runs. */
export function backoffDelayMs(backoff: BackoffPolicy, attempts: number): number {
  const n = Math.max(1, attempts);
  const delay = backoff.policy === 'linear' ? backoff.delayMs * n : backoff.delayMs * 2 ** (n - 1);
  return Math.min(delay, MAX_BACKOFF_DELAY_MS);
}
