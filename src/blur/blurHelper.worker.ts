// The second thread of a two-thread blur (blurThreads.ts starts it): each message is one pass of
// one job over a shared WebAssembly memory; it takes bands until none is left and answers.
import type { KernelExports, PassTask } from './threadBands';
import { runPass } from './threadBands';

interface PassMessage {
  id: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  task: PassTask;
}

// A memory posted again arrives as a new object over the same buffer: instances are kept by
// module and buffer, so a job's second pass reuses the first's.
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

self.onmessage = (event: MessageEvent<PassMessage>) => {
  const { id, module, memory, task } = event.data;
  try {
    runPass(kernelFor(module, memory), new Int32Array(memory.buffer), task);
    self.postMessage({ id });
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
