import type { BackoffPolicy, Constraints, Data, Periodicity, WorkInfo } from '../types';
import { isCombineNode, mergeInputs, resolveInput, shortId } from './resolveInput';

/** One work to re-create: a copy of a stored work, with the edges it had inside the retry. */
export interface RetryNode {
  /** The stored work this one re-creates. */
  originalId: string;
  workerName: string;
  /** The input to enqueue: resolved for the root; own input plus outside parents' outputs below. */
  input: Data;
  tags: string[];
  constraints: Constraints;
  backoff: BackoffPolicy;
  initialDelayMs: number;
  periodicity?: Periodicity;
  /** Original ids of this node's prerequisites that are re-created too (earlier in the plan). */
  parents: string[];
  /** The hidden node of `combine`: re-created by `WorkContinuation.combine`, not as a request. */
  combine: boolean;
}

export interface RetryPlan {
  rootId: string;
  /** Parents before children. */
  nodes: RetryNode[];
}

export class RetryError extends Error {}

/** True when the work failed by itself, not because a prerequisite failed. */
export function failedItself(info: WorkInfo, byId: ReadonlyMap<string, WorkInfo>): boolean {
  if (info.state !== 'FAILED') return false;
  return !info.prerequisites.some((id) => byId.get(id)?.state === 'FAILED');
}

/** The work whose failure made `info` fail: itself, or the first failed ancestor that ran. */
export function failureCause(info: WorkInfo, byId: ReadonlyMap<string, WorkInfo>): WorkInfo {
  let current = info;
  for (let hops = 0; hops < byId.size && !failedItself(current, byId); hops++) {
    const parent = current.prerequisites
      .map((id) => byId.get(id))
      .find((p) => p?.state === 'FAILED');
    if (!parent) break;
    current = parent;
  }
  return current;
}

/**
 * Retry of a failed work: the work again with its input as resolved when it ran, and behind it
 * every dependent that failed because of it, with the same edges among them. A dependent's other
 * prerequisites (outside the retry, already succeeded) are folded into its input, since a new
 * request cannot wait on stored work through the public API.
 */
export function planRetry(rootId: string, infos: readonly WorkInfo[]): RetryPlan {
  const byId = new Map(infos.map((i) => [i.id, i]));
  const root = byId.get(rootId);
  if (!root) throw new RetryError(`Work ${shortId(rootId)} is no longer stored.`);
  if (!failedItself(root, byId)) {
    throw new RetryError(`Work ${shortId(rootId)} did not fail by itself: retry its cause.`);
  }
  if (isCombineNode(root.workerName)) {
    throw new RetryError('The hidden combine step cannot be retried alone: retry a failed parent.');
  }
  const resolved = resolveInput(root, byId);
  if (!resolved.complete) throw new RetryError(resolved.note ?? 'The input cannot be resolved.');
  const members = failedBehind(root, byId);
  const nodes = topological(members).map((info) => toNode(info, members, byId));
  nodes[0].input = resolved.input;
  return { rootId, nodes };
}

/** The root and its transitive dependents that failed without running, because of it. */
function failedBehind(root: WorkInfo, byId: ReadonlyMap<string, WorkInfo>): Map<string, WorkInfo> {
  const members = new Map([[root.id, root]]);
  const queue = [...root.dependents];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const info = byId.get(id);
    if (!info || members.has(id) || info.state !== 'FAILED' || info.runAttemptCount > 0) continue;
    members.set(id, info);
    queue.push(...info.dependents);
  }
  return members;
}

/** Kahn's order over the members' own edges; the root comes first, it has no member parent. */
function topological(members: Map<string, WorkInfo>): WorkInfo[] {
  const order: WorkInfo[] = [];
  const placed = new Set<string>();
  const pending = [...members.values()];
  while (pending.length > 0) {
    const i = pending.findIndex((m) =>
      m.prerequisites.every((p) => !members.has(p) || placed.has(p)),
    );
    // Unreachable for an acyclic store; a cycle would otherwise loop forever.
    if (i < 0) throw new RetryError('The stored chain has a cycle.');
    const [next] = pending.splice(i, 1);
    placed.add(next.id);
    order.push(next);
  }
  return order;
}

function toNode(
  info: WorkInfo,
  members: Map<string, WorkInfo>,
  byId: ReadonlyMap<string, WorkInfo>,
): RetryNode {
  const outside = info.prerequisites.filter((p) => !members.has(p));
  const outputs = outside.flatMap((p) => {
    const parent = byId.get(p);
    return parent?.state === 'SUCCEEDED' ? [parent.outputData] : [];
  });
  const node: RetryNode = {
    originalId: info.id,
    workerName: info.workerName,
    input: outputs.length ? mergeInputs(info.workerName, [info.input, ...outputs]) : info.input,
    tags: [...info.tags],
    constraints: { ...info.constraints },
    backoff: { ...info.backoff },
    initialDelayMs: info.initialDelayMs,
    parents: info.prerequisites.filter((p) => members.has(p)),
    combine: isCombineNode(info.workerName),
  };
  if (info.periodicity) node.periodicity = { ...info.periodicity };
  return node;
}
