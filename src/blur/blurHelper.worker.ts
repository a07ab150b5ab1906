// The second thread of a two-thread blur (blurThreads.ts starts it): each message is one job over
// a shared WebAssembly memory; it takes units of both passes until none is left and answers.
import type { JobTask, KernelExports } from './threadBands';
import { runJob } from './threadBands';

interface JobMessage {
  id: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  task: JobTask;
}

// A memory posted again arrives as a new object over the same buffer: instances are kept by
// module and buffer, so the next job over the same memory reuses this one's.
let cached:
  { module: WebAssembly.Module; buffer: SharedArrayBuffer; kernel: KernelExports } | undefined;

function kernelFor(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  if (cached?.module !== module || cached.buffer !== buffer) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    cached = { module, buffer, kernel: instance.exports as unknown as KernelExports };
  }
  return cached.kernel;
}

self.onmessage = (event: MessageEvent<JobMessage>) => {
  const { id, module, memory, task } = event.data;
  try {
    runJob(kernelFor(module, memory), new Int32Array(memory.buffer), task);
    self.postMessage({ id });
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
