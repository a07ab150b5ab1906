export type {
  BackoffPolicy,
  Constraints,
  Data,
  DataScalar,
  DataValue,
  ExistingPeriodicWorkPolicy,
  ExistingWorkPolicy,
  Periodicity,
  StopReason,
  UpdateResult,
  WorkFailure,
  WorkInfo,
  WorkQuery,
  WorkState,
} from './types';
export { isFinished } from './types';
export { WorkError, type WorkErrorCode } from './WorkError';
export {
  oneTimeWork,
  periodicWork,
  type OneTimeWorkRequest,
  type PeriodicWorkRequest,
  type PeriodicWorkRequestOptions,
  type WorkRequest,
  type WorkRequestOptions,
} from './requests';
export {
  defineWorker,
  failure,
  retry,
  success,
  type AnyWorkerDefinition,
  type WorkerContext,
  type WorkerDefinition,
  type WorkResult,
} from './defineWorker';
export { WorkManager, type WorkManagerOptions } from './WorkManager';
export { WorkContinuation } from './WorkContinuation';
export {
  startExecutor,
  createScheduler,
  type Executor,
  type ExecutorOptions,
} from './startExecutor';
export { Scheduler, type DrainOptions, type DrainResult, type TraceFn } from './Scheduler';
export type { Clock } from './clock';
export type { LockManagerLike } from './locks';
export type { ChannelFactory, ChannelLike } from './broadcast';
export {
  BrowserConstraints,
  MemoryConstraints,
  type ConstraintSource,
  type ConstraintState,
} from './constraints';
export { corruptRecords, type CorruptRecord } from './corruptRecords';
