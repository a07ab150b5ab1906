import {
  oneTimeWork,
  periodicWork,
  WorkContinuation,
  type WorkManager,
  type WorkRequest,
} from '../index';
import { COMBINE_WORKER } from '../requests';
import type { RetryNode, RetryPlan } from './planRetry';

/** What a retry enqueued: the new id of each re-created work, by the id it replaces. */
export type RetriedIds = Map<string, string>;

/**
 * Enqueues a retry plan in one transaction. Each node becomes a step behind its parents' steps;
 * a node with several parents joins them with `combine` (which adds its hidden node again).
 * Nothing is enqueued under a unique name: the public API can only append a new root behind
 * the unique chain's leaves (one of which is the failed work), or replace the whole chain.
 */
export async function retryWork(manager: WorkManager, plan: RetryPlan): Promise<RetriedIds> {
  const steps = new Map<string, WorkContinuation>();
  const created: RetriedIds = new Map();
  for (const node of plan.nodes) {
    const parents = node.parents.map((id) => steps.get(id)!);
    if (node.combine) {
      steps.set(node.originalId, WorkContinuation.combine([...parents, ...replay(manager, node)]));
      continue;
    }
    const request = toRequest(node);
    created.set(node.originalId, request.id);
    steps.set(node.originalId, stepAfter(manager, parents, request));
  }
  const leaves = plan.nodes
    .filter((n) => !plan.nodes.some((m) => m.parents.includes(n.originalId)))
    .map((n) => steps.get(n.originalId)!);
  await WorkContinuation.combine(leaves).enqueue();
  return created;
}

/**
 * A combine's parents outside the retry already succeeded: their merged outputs come back as a
 * root running the built-in combine worker, which outputs its input, so the new hidden node
 * merges the same values into arrays.
 */
function replay(manager: WorkManager, node: RetryNode): WorkContinuation[] {
  if (Object.keys(node.input).length === 0) return [];
  return [manager.beginWith(oneTimeWork(COMBINE_WORKER, { input: node.input }))];
}

function stepAfter(
  manager: WorkManager,
  parents: WorkContinuation[],
  request: WorkRequest,
): WorkContinuation {
  if (parents.length === 0) return manager.beginWith(request);
  if (parents.length === 1) return parents[0].then(request);
  return WorkContinuation.combine(parents).then(request);
}

/** A new request copying what WorkInfo exposes (maxAttempts and keepResultsFor it does not). */
function toRequest(node: RetryNode): WorkRequest {
  const options = {
    input: node.input,
    // The worker's name is added back as a tag by the request builder.
    tags: node.tags.filter((t) => t !== node.workerName),
    constraints: node.constraints,
    backoff: node.backoff,
    initialDelayMs: node.initialDelayMs,
  };
  if (node.periodicity) return periodicWork(node.workerName, { ...options, ...node.periodicity });
  return oneTimeWork(node.workerName, options);
}
