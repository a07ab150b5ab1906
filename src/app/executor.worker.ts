/// <reference lib="webworker" />
import '../trustedTypes';
import { startExecutor } from '../work';
import { createBlurPool } from '../blur/createBlurPool';
import type { NotifyRequest } from './messages';
import { createAppWorkers } from './work/appWorkers';
import { BLURRED_JPEG, createBlurEnv, type FileBlur, type PixelBlur } from './work/blurEnv';
import { e2eTrace } from './work/e2eTrace';
import { WORK_NAME } from './work/names';
import { createTestWorkers, probeWorkerTerminations } from './work/testWorkers';

declare const self: DedicatedWorkerGlobalScope;

// A dedicated worker has no navigator.serviceWorker: the page shows notifications for it.
const notify = (request: NotifyRequest): void => self.postMessage(request);

// Blurs go to a pool of blur workers (decode, blur and encode there: a JPEG through its YUV
// planes); cancelling a blur terminates the worker doing it.
const pool = createBlurPool();
const blurFile: FileBlur = (file, level, signal, onProgress) =>
  pool.blurBlob(signal, file, { level, ...BLURRED_JPEG, onProgress });

const workers = createAppWorkers({ notify, ...createBlurEnv(blurFile) });
// The e2e build's counting and gated workers; the production bundle never contains them.
if (__E2E__) {
  const blurPixels: PixelBlur = (signal, pixels, width, height, sigma, onProgress) =>
    pool.gaussianBlur(signal, pixels, width, height, sigma, { onProgress });
  probeWorkerTerminations('worker');
  workers.push(...createTestWorkers({ context: 'worker', blurPixels }));
}

// `page: self`: the page tells this executor to give up the lead when frozen or hidden.
void startExecutor({ name: WORK_NAME, workers, page: self, trace: e2eTrace('worker') });
