import { mergeArrayCreating, mergeOverwriting } from '../data';
import { COMBINE_WORKER } from '../requests';
import type { Data, WorkInfo } from '../types';

/** A work's input as its worker got (or will get) it, and why it may differ from that. */
export interface ResolvedInput {
  input: Data;
  /** True when every prerequisite's output was known and merged. */
  complete: boolean;
  /** What a person should know about this value; null when it is exactly the run's input. */
  note: string | null;
}

/**
 * WorkInfo carries the request's own input only, so the inspector re-does the merge the core
 * did when the work was unblocked: own input first, then each prerequisite's output in order
 * (the overwriting merger: parents win), or arrays for the hidden node that `combine` adds.
 */
export function resolveInput(info: WorkInfo, byId: ReadonlyMap<string, WorkInfo>): ResolvedInput {
  if (info.prerequisites.length === 0) return { input: info.input, complete: true, note: null };
  const parents = info.prerequisites.map((id) => byId.get(id));
  const known = parents.filter((p): p is WorkInfo => p !== undefined);
  if (known.length < parents.length) {
    const missing = info.prerequisites.filter((id) => !byId.has(id)).map(shortId);
    const note = `Prerequisite ${missing.join(', ')} is no longer stored: its output is missing.`;
    return { ...merged(info, known), complete: false, note };
  }
  if (!known.every((p) => p.state === 'SUCCEEDED')) {
    const note = 'Not resolved yet: the prerequisites have not all succeeded. Own input shown.';
    return { input: info.input, complete: false, note };
  }
  return merged(info, known);
}

function merged(info: WorkInfo, parents: readonly WorkInfo[]): ResolvedInput {
  const inputs = [info.input, ...parents.map((p) => p.outputData)];
  try {
    return { input: mergeInputs(info.workerName, inputs), complete: true, note: null };
  } catch (error) {
    const note = `The inputs cannot be merged: ${(error as Error).message}`;
    return { input: info.input, complete: false, note };
  }
}

/** The merger a stored work uses: only the hidden combine node creates arrays. */
export function mergeInputs(workerName: string, inputs: readonly Data[]): Data {
  return isCombineNode(workerName) ? mergeArrayCreating(inputs) : mergeOverwriting(inputs);
}

export function isCombineNode(workerName: string): boolean {
  return workerName === COMBINE_WORKER;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
