/** The public value types of the work library. Shapes follow androidx.work's WorkInfo. */

export type WorkState = 'ENQUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'BLOCKED' | 'CANCELLED';

export const FINISHED_STATES: readonly WorkState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function isFinished(state: WorkState): boolean {
  return FINISHED_STATES.includes(state);
}

export type StopReason =
  | 'not-stopped'
  | 'unknown'
  | 'cancelled-by-app'
  | 'timeout'
  | 'constraint-network'
  | 'constraint-battery-not-low'
  | 'constraint-charging'
  | 'constraint-storage-not-low'
  | 'superseded';

/** One value of a Data map: WorkManager's types, as JSON. */
export type DataScalar = boolean | number | string | null;
export type DataValue = DataScalar | readonly DataScalar[];
export type Data = Readonly<Record<string, DataValue>>;

export interface Constraints {
  network?: 'connected' | 'unmetered';
  batteryNotLow?: boolean;
  charging?: boolean;
  storageNotLow?: boolean;
}

export interface BackoffPolicy {
  policy: 'exponential' | 'linear';
  delayMs: number;
}

export interface Periodicity {
  intervalMs: number;
  flexMs: number;
}

/** Why a work failed when no worker output says it: a WorkError code and a message. */
export interface WorkFailure {
  code: string;
  message: string;
}

export interface WorkInfo {
  id: string;
  workerName: string;
  state: WorkState;
  tags: string[];
  input: Data;
  outputData: Data;
  progress: Data;
  runAttemptCount: number;
  generation: number;
  constraints: Constraints;
  backoff: BackoffPolicy;
  initialDelayMs: number;
  periodicity?: Periodicity;
  /** When the work may run next; meaningful while ENQUEUED. */
  nextScheduleTimeMs: number;
  stopReason: StopReason;
  error?: WorkFailure;
  uniqueName?: string;
  prerequisites: string[];
  dependents: string[];
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Monotonic across the database: the commit that last wrote this work. */
  rev: number;
}

/** AND across fields, OR within one; an empty or missing field does not filter. */
export interface WorkQuery {
  ids?: readonly string[];
  tags?: readonly string[];
  uniqueWorkNames?: readonly string[];
  states?: readonly WorkState[];
}

export type ExistingWorkPolicy = 'replace' | 'keep' | 'append' | 'append-or-replace';
export type ExistingPeriodicWorkPolicy = 'keep' | 'cancel-and-reenqueue' | 'update';
export type UpdateResult = 'not-applied' | 'applied-immediately' | 'applied-for-next-run';
