// The bridge to blur.worker.ts: a pool of blur workers for the page's executor (a dedicated
// worker can start workers; the service worker cannot, and calls blurBlob inline instead).
import { proxy, transfer, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { BlurWorkerApi, WorkerBlurBlobOptions } from './blur.worker';
import type { BlurBlobResult } from './blurBlob';
import { BlurError } from './BlurError';

export interface BlurPoolOptions {
  /** Workers at most; by default one per core but one, between 1 and 4. */
  size?: number;
  /** Starts one worker (tests inject their own); by default the bundled blur.worker.ts. */
  createWorker?: () => Worker;
}

export interface PoolCallOptions {
  onProgress?: (fraction: number) => void;
}

export interface BlurPool {
  readonly size: number;
  /** blurBlob in a worker. The blob crosses by reference (Blobs are not copied). */
  blurBlob(
    signal: AbortSignal | undefined,
    blob: Blob,
    options: WorkerBlurBlobOptions & PoolCallOptions,
  ): Promise<BlurBlobResult>;
  /** gaussianBlur in a worker. `pixels.buffer` is transferred there and back: use the result. */
  gaussianBlur(
    signal: AbortSignal | undefined,
    pixels: Uint8ClampedArray<ArrayBuffer>,
    width: number,
    height: number,
    sigma: number,
    options?: PoolCallOptions,
  ): Promise<Uint8ClampedArray<ArrayBuffer>>;
  /** Stops every worker; calls in flight reject with `worker-failed`. */
  terminate(): void;
}

interface Slot {
  worker?: Worker;
  remote?: Remote<BlurWorkerApi>;
  /** Rejects the call in flight when the worker is killed or dies. */
  fail?: (reason: unknown) => void;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./blur.worker.ts', import.meta.url), { type: 'module', name: 'blur' });
}

function defaultSize(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.min(4, Math.max(1, cores - 1));
}

/**
 * Workers start lazily, one call each at a time, others queue. Every call takes its signal
 * first and is raced against it: aborting terminates the worker doing the call (a terminated
 * worker never answers, so the race is what keeps the call from hanging) and the next call gets
 * a fresh one.
 */
export function createBlurPool(options: BlurPoolOptions = {}): BlurPool {
  const size = Math.max(1, Math.floor(options.size ?? defaultSize()));
  const createWorker = options.createWorker ?? defaultWorker;
  const idle: Slot[] = Array.from({ length: size }, () => ({}));
  const busy = new Set<Slot>();
  const waiting: Array<(slot: Slot) => void> = [];

  const kill = (slot: Slot, reason: unknown) => {
    slot.worker?.terminate();
    slot.worker = slot.remote = undefined;
    slot.fail?.(reason);
  };

  const start = (slot: Slot): Remote<BlurWorkerApi> => {
    if (slot.remote) return slot.remote;
    const worker = createWorker();
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      kill(slot, new BlurError('worker-failed', { reason: event.message }));
    });
    slot.worker = worker;
    slot.remote = wrap<BlurWorkerApi>(worker);
    return slot.remote;
  };

  const acquire = (signal?: AbortSignal): Promise<Slot> => {
    const free = idle.pop();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const take = (slot: Slot) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(slot);
      };
      const onAbort = () => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(take);
    });
  };

  const release = (slot: Slot) => {
    busy.delete(slot);
    slot.fail = undefined;
    const next = waiting.shift();
    if (next) next(slot);
    else idle.push(slot);
  };

  async function call<T>(
    signal: AbortSignal | undefined,
    run: (remote: Remote<BlurWorkerApi>) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    const slot = await acquire(signal);
    busy.add(slot);
    try {
      return await raced(slot, signal, run(start(slot)));
    } finally {
      release(slot);
    }
  }

  const raced = <T>(slot: Slot, signal: AbortSignal | undefined, work: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onAbort = () => kill(slot, abortReason(signal));
      slot.fail = reject;
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      work.then(resolve, reject).finally(() => signal?.removeEventListener('abort', onAbort));
    });

  return {
    size,
    blurBlob(signal, blob, { onProgress, ...rest }) {
      return call(signal, (remote) => remote.blurBlob(blob, rest, onProgress && proxy(onProgress)));
    },
    gaussianBlur(signal, pixels, width, height, sigma, { onProgress } = {}) {
      return call(signal, (remote) =>
        remote.gaussianBlur(
          transfer(pixels, [pixels.buffer]),
          width,
          height,
          sigma,
          onProgress && proxy(onProgress),
        ),
      );
    },
    terminate() {
      for (const slot of [...idle, ...busy])
        kill(slot, new BlurError('worker-failed', { reason: 'pool terminated' }));
    },
  };
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const message = typeof reason === 'string' ? reason : 'The operation was aborted.';
  return new DOMException(message, 'AbortError');
}
