import type { WorkInfo } from '../work';
import { BLUR, CLEANUP, OUTPUT_TAG, SAVE, STEP_TEXT } from './work/names';
import type { ScreenState } from './view';

export interface ChainSummary {
  screen: ScreenState;
  /** A failure's reason, once the chain has finished with one. */
  failure: string | null;
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * The screen follows every OUTPUT work of the newest chain: Loading while any is unfinished,
 * Complete when all are done and some succeeded, Default otherwise (cancelled or failed; a
 * failure's reason goes to the alert, and Start works again).
 */
export function summarizeChain(infos: readonly WorkInfo[]): ChainSummary {
  const outputs = infos.filter((i) => i.tags.includes(OUTPUT_TAG));
  if (outputs.length === 0) return { screen: { kind: 'default' }, failure: null };
  if (outputs.some((i) => !FINISHED.has(i.state))) return { screen: loading(infos), failure: null };
  const failure = failureReason(infos);
  const saved = outputs
    .filter((i) => i.state === 'SUCCEEDED' && typeof i.outputData.fileUrl === 'string')
    .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
  const newest = saved[0];
  if (!newest) return { screen: { kind: 'default' }, failure };
  return {
    screen: {
      kind: 'complete',
      fileUrl: String(newest.outputData.fileUrl),
      fileName: String(newest.outputData.fileName ?? ''),
      count: saved.length,
    },
    failure,
  };
}

function loading(infos: readonly WorkInfo[]): ScreenState {
  const running = infos.filter((i) => i.state === 'RUNNING');
  const order = [SAVE, BLUR, CLEANUP];
  running.sort((a, b) => order.indexOf(a.workerName) - order.indexOf(b.workerName));
  const current = running[0];
  if (!current) return { kind: 'loading', step: waitingStep(infos), percent: null };
  const percent = current.progress?.percent;
  return {
    kind: 'loading',
    step: STEP_TEXT[current.workerName] ?? current.workerName,
    percent: typeof percent === 'number' ? Math.max(0, Math.min(100, Math.round(percent))) : null,
  };
}

function waitingStep(infos: readonly WorkInfo[]): string {
  const waiting = infos.find((i) => i.state === 'ENQUEUED');
  if (waiting && waiting.nextScheduleTimeMs > Date.now() + 1000) return 'Waiting to retry';
  return 'Waiting to start';
}

function failureReason(infos: readonly WorkInfo[]): string | null {
  // The work that failed first is the cause; its dependents failed because of it.
  const failed = infos
    .filter((i) => i.state === 'FAILED' && (i.error || typeof i.outputData.error === 'string'))
    .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0))[0];
  if (!failed) return infos.some((i) => i.state === 'FAILED') ? 'The work failed.' : null;
  const reason =
    typeof failed.outputData.error === 'string' ? failed.outputData.error : failed.error?.message;
  return `${STEP_TEXT[failed.workerName] ?? failed.workerName} failed: ${reason}`;
}
