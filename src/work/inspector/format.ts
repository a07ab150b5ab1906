import type { Data, WorkInfo } from '../types';

/** A time as local hh:mm:ss in a <time> element, the full date in its datetime. */
export function timeText(ms: number | undefined): { text: string; iso: string | null } {
  if (ms === undefined || !Number.isFinite(ms)) return { text: '—', iso: null };
  const date = new Date(ms);
  return { text: date.toLocaleTimeString(undefined, { hour12: false }), iso: date.toISOString() };
}

export function durationText(ms: number): string {
  if (ms === 0) return 'none';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 2 * 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}

export function dataText(data: Data): string {
  return Object.keys(data).length === 0 ? '{}' : JSON.stringify(data, null, 2);
}

/** One line for the table: the error if the work failed, else its output. */
export function outputOrError(info: WorkInfo): string {
  if (info.error) return `${info.error.code}: ${info.error.message}`;
  const said = info.outputData.error;
  if (info.state === 'FAILED' && typeof said === 'string') return said;
  const text = Object.keys(info.outputData).length ? JSON.stringify(info.outputData) : '';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** The next schedule time only means something while the work waits to run. */
export function nextRunMs(info: WorkInfo): number | undefined {
  return info.state === 'ENQUEUED' ? info.nextScheduleTimeMs : undefined;
}

export function constraintsText(info: WorkInfo): string {
  const c = info.constraints;
  const parts = [
    c.network && `network ${c.network}`,
    c.batteryNotLow && 'battery not low',
    c.charging && 'charging',
    c.storageNotLow && 'storage not low',
  ].filter((p): p is string => typeof p === 'string');
  return parts.length ? parts.join(', ') : 'none';
}

/** "1 work", "3 works": counts are read out by screen readers, so they should read right. */
export function countText(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
