// The second thread of a two-thread blur (blurThreads.ts starts it): each message is one job over
// a shared WebAssembly memory; it takes units of both passes until none is left and answers.
import type { JobTask } from './threadBands';
import { helperKernel, runJob } from './threadBands';

interface JobMessage {
  id: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Names the module and memory in the sender's context (see blurThreads.ts). */
  instance: string;
  task: JobTask;
}

self.onmessage = (event: MessageEvent<JobMessage>) => {
  const { id, module, memory, instance, task } = event.data;
  try {
    runJob(helperKernel(instance, module, memory), new Int32Array(memory.buffer), task);
    self.postMessage({ id });
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
