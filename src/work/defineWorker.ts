import type { Data } from './types';

/** What a worker returns: ListenableWorker.Result. */
export type WorkResult<Out extends Data = Data> =
  | { readonly type: 'success'; readonly output: Out | Data }
  | { readonly type: 'failure'; readonly output: Out | Data }
  | { readonly type: 'retry' };

export function success<Out extends Data>(output?: Out): WorkResult<Out> {
  return { type: 'success', output: output ?? {} };
}

export function failure<Out extends Data>(output?: Out): WorkResult<Out> {
  return { type: 'failure', output: output ?? {} };
}

export function retry(): WorkResult<never> {
  return { type: 'retry' };
}

/** What a running worker sees: the fields of WorkerParameters it needs. */
export interface WorkerContext<In extends Data = Data> {
  readonly id: string;
  readonly input: In;
  readonly tags: readonly string[];
  readonly runAttemptCount: number;
  /** Aborts when the work is cancelled, times out or loses a constraint; see `signal.reason`. */
  readonly signal: AbortSignal;
  /** Publishes progress while RUNNING; writes are coalesced, the last one lands before the result. */
  readonly setProgress: (progress: Data) => Promise<void>;
}

export type WorkerRun<In extends Data, Out extends Data> = (
  ctx: WorkerContext<In>,
) => WorkResult<Out> | Promise<WorkResult<Out>>;

export interface WorkerDefinition<In extends Data = Data, Out extends Data = Data> {
  readonly name: string;
  readonly run: WorkerRun<In, Out>;
}

/**
 * A worker, installed by name where work runs (the executor worker, the service worker).
 * Requests refer to it by `name`, so the page never imports worker code.
 */
export function defineWorker<In extends Data = Data, Out extends Data = Data>(
  name: string,
  run: WorkerRun<In, Out>,
): WorkerDefinition<In, Out> {
  return Object.freeze({ name, run });
}

/** Any worker definition, whatever its data types: what executors accept. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkerDefinition = WorkerDefinition<any, any>;
