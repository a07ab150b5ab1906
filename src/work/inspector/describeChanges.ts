import type { WorkInfo } from '../types';
import { shortId } from './resolveInput';

const MAX_NAMED = 4;

/**
 * What changed between two snapshots, in a sentence for the live region: state changes by name,
 * new and removed work by count. Progress and other fields change too often to announce.
 */
export function describeChanges(
  before: ReadonlyMap<string, WorkInfo>,
  after: readonly WorkInfo[],
): string {
  const moved = after.filter((i) => {
    const old = before.get(i.id);
    return old !== undefined && old.state !== i.state;
  });
  const added = after.filter((i) => !before.has(i.id)).length;
  const afterIds = new Set(after.map((i) => i.id));
  const removed = [...before.keys()].filter((id) => !afterIds.has(id)).length;
  const parts = moved.slice(0, MAX_NAMED).map((i) => `${i.workerName} ${shortId(i.id)} ${i.state}`);
  if (moved.length > MAX_NAMED) parts.push(`${moved.length - MAX_NAMED} more changed state`);
  if (added) parts.push(`${added} new ${added === 1 ? 'work' : 'works'}`);
  if (removed) parts.push(`${removed} ${removed === 1 ? 'work' : 'works'} removed`);
  return parts.join('; ');
}
