/// <reference lib="webworker" />
import { startExecutor } from '../work';
import type { NotifyRequest } from './messages';
import { createAppWorkers } from './work/appWorkers';
import { createBlurEnv } from './work/blurEnv';
import { WORK_NAME } from './work/names';

declare const self: DedicatedWorkerGlobalScope;

// A dedicated worker has no navigator.serviceWorker: the page shows notifications for it.
const notify = (request: NotifyRequest): void => self.postMessage(request);

void startExecutor({ name: WORK_NAME, workers: createAppWorkers({ notify, ...createBlurEnv() }) });
