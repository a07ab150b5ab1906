import type { WorkInfo, WorkState } from '../types';

export const WORK_STATES: readonly WorkState[] = [
  'ENQUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'BLOCKED',
  'CANCELLED',
];

export type TimeField = 'enqueuedAt' | 'startedAt' | 'finishedAt';

export interface WorkFilter {
  /** Empty string: any. */
  state: WorkState | '';
  tag: string;
  uniqueName: string;
}

export interface WorkSort {
  field: TimeField;
  order: 'newest' | 'oldest';
}

export const NO_FILTER: WorkFilter = { state: '', tag: '', uniqueName: '' };
export const DEFAULT_SORT: WorkSort = { field: 'enqueuedAt', order: 'newest' };

/** The table's rows: filtered (AND across fields) and sorted by one time; ties keep the id order. */
export function filterWork(
  infos: readonly WorkInfo[],
  filter: WorkFilter,
  sort: WorkSort,
): WorkInfo[] {
  const shown = infos.filter((i) => matches(i, filter));
  return shown.sort((a, b) => compareTimes(a[sort.field], b[sort.field], sort.order));
}

function matches(info: WorkInfo, f: WorkFilter): boolean {
  if (f.state && info.state !== f.state) return false;
  if (f.tag && !info.tags.includes(f.tag)) return false;
  if (f.uniqueName && info.uniqueName !== f.uniqueName) return false;
  return true;
}

/** Work that has no such time yet (not started, not finished) goes last in either order. */
function compareTimes(a: number | undefined, b: number | undefined, order: WorkSort['order']) {
  if (a === undefined || b === undefined)
    return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return order === 'newest' ? b - a : a - b;
}

/** The tags and unique names present, sorted, for the filter controls. */
export function workFacets(infos: readonly WorkInfo[]): { tags: string[]; uniqueNames: string[] } {
  const tags = new Set(infos.flatMap((i) => i.tags));
  const names = new Set(infos.flatMap((i) => (i.uniqueName === undefined ? [] : [i.uniqueName])));
  return { tags: [...tags].sort(), uniqueNames: [...names].sort() };
}
