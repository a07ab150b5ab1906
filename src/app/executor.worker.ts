/// <reference lib="webworker" />
import { startExecutor } from '../work';
import { createBlurPool } from '../blur/createBlurPool';
import type { NotifyRequest } from './messages';
import { createAppWorkers } from './work/appWorkers';
import { createBlurEnv } from './work/blurEnv';
import { WORK_NAME } from './work/names';

declare const self: DedicatedWorkerGlobalScope;

// A dedicated worker has no navigator.serviceWorker: the page shows notifications for it.
const notify = (request: NotifyRequest): void => self.postMessage(request);

// Heavy pixels go to a pool of blur workers; cancelling a blur terminates the worker doing it.
const pool = createBlurPool();
const blurEnv = createBlurEnv((signal, pixels, width, height, sigma, onProgress) =>
  pool.gaussianBlur(signal, pixels, width, height, sigma, { onProgress }),
);

void startExecutor({ name: WORK_NAME, workers: createAppWorkers({ notify, ...blurEnv }) });
