// Two threads for the WASM kernel where shared memory exists (a cross-origin isolated page or
// worker): `enableBlurThreads()` starts one helper worker and registers it, and from then on
// blurs of 2 MP and more split their bands between this thread and the helper. Like
// createBlurPool.ts this module starts a worker, so it stays out of the service worker's imports.
import { BlurError } from './BlurError';
import type { BlurHelper, JobTask, ThreadSupport } from './threadBands';
import { setThreadSupport } from './threadBands';
import { gaussianWasmRelaxedShared, gaussianWasmSimdShared } from './wasm/gaussianWasmShared';
import { compileBase64 } from './wasmEngine';

export interface BlurThreadsOptions {
  /** Starts the helper (tests inject their own); by default the bundled blurHelper.worker.ts. */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./blurHelper.worker.ts', import.meta.url), {
    type: 'module',
    name: 'blur-helper',
  });
}

// Numbers for the module and memory objects of this context: posted, each arrives in the helper
// as a new object (a shared memory's buffer too), so the helper keeps its instance by these.
const ids = new WeakMap<object, number>();
let lastId = 0;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++lastId));
  return id;
}

/** True where a blur can use a second thread: shared memory and a `Worker` constructor. */
export function blurThreadsAvailable(): boolean {
  return (
    typeof SharedArrayBuffer === 'function' &&
    globalThis.crossOriginIsolated === true &&
    typeof Worker === 'function'
  );
}

/**
 * Starts a helper worker for the blur kernel and returns a function that stops it; false (and
 * nothing started) where the context is not cross-origin isolated. The helper starts at once,
 * so its start-up is not paid by the first blur.
 */
export function enableBlurThreads(options: BlurThreadsOptions = {}): (() => void) | false {
  if (!blurThreadsAvailable()) return false;
  const modules = new Map<string, WebAssembly.Module | null>();
  const sources = { 'relaxed-simd': gaussianWasmRelaxedShared, simd: gaussianWasmSimdShared };
  let worker: Worker | undefined = (options.createWorker ?? defaultWorker)();
  let busy = false;
  let nextId = 0;
  const calls = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const failAll = (reason: string) => {
    worker?.terminate();
    worker = undefined;
    setThreadSupport(undefined);
    for (const call of calls.values()) call.reject(new BlurError('worker-failed', { reason }));
    calls.clear();
  };
  worker.addEventListener('message', (event: MessageEvent<{ id: number; error?: string }>) => {
    const call = calls.get(event.data.id);
    calls.delete(event.data.id);
    if (event.data.error === undefined) call?.resolve();
    else call?.reject(new BlurError('worker-failed', { reason: event.data.error }));
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failAll(event.message || 'the blur helper failed');
  });
  const helper: BlurHelper = {
    run(module: WebAssembly.Module, memory: WebAssembly.Memory, task: JobTask) {
      return new Promise<void>((resolve, reject) => {
        if (!worker) {
          reject(new BlurError('worker-failed', { reason: 'the blur helper stopped' }));
          return;
        }
        const id = nextId++;
        calls.set(id, { resolve, reject });
        const instance = `${idOf(module)}:${idOf(memory)}`;
        worker.postMessage({ id, module, memory, instance, task });
      });
    },
  };
  const support: ThreadSupport = {
    module(variant) {
      if (!modules.has(variant)) modules.set(variant, compileBase64(sources[variant]));
      return modules.get(variant) ?? null;
    },
    acquire() {
      if (busy || !worker) return null;
      busy = true;
      return helper;
    },
    release() {
      busy = false;
    },
  };
  setThreadSupport(support);
  return () => failAll('blur threads disabled');
}
