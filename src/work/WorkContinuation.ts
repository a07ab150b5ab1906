import { combineWork, type WorkRequest } from './requests';
import type { EnqueueNode, EnqueuePlan } from './transitions';
import type { ExistingPeriodicWorkPolicy, ExistingWorkPolicy } from './types';
import { WorkError } from './WorkError';

export interface UniqueSpec {
  name: string;
  policy: ExistingWorkPolicy | ExistingPeriodicWorkPolicy;
}

/** What a continuation needs from its manager: one atomic enqueue. */
export interface PlanEnqueuer {
  enqueuePlan(plan: EnqueuePlan): Promise<unknown>;
}

function asList(requests: WorkRequest | readonly WorkRequest[]): WorkRequest[] {
  const list = Array.isArray(requests)
    ? [...(requests as WorkRequest[])]
    : [requests as WorkRequest];
  if (list.length === 0) throw new WorkError('empty-continuation');
  return list;
}

/**
 * A step of a chain (WorkContinuation): its requests depend on every request of its parent
 * steps. Steps may share a parent (branches); `combine` joins chains.
 */
export class WorkContinuation {
  private enqueued = false;

  /** @internal Use WorkManager.beginWith / beginUniqueWork. */
  constructor(
    private readonly manager: PlanEnqueuer,
    readonly requests: readonly WorkRequest[],
    readonly parents: readonly WorkContinuation[] = [],
    readonly unique?: UniqueSpec,
  ) {}

  /** The next step: `requests` run in parallel once every request of this step succeeded. */
  then(requests: WorkRequest | readonly WorkRequest[]): WorkContinuation {
    const list = asList(requests);
    if (this.requests.length > 0) {
      return new WorkContinuation(this.manager, list, [this], this.unique);
    }
    // A combined continuation: its dependents wait on a hidden node with the array merger.
    const hidden = new WorkContinuation(this.manager, [combineWork()], this.parents, this.unique);
    return new WorkContinuation(this.manager, list, [hidden], this.unique);
  }

  /**
   * Joins chains: `.then(c)` makes c depend on all of them, its input their outputs merged into
   * arrays. Enqueued as is, it enqueues every chain in one transaction, shared steps once.
   */
  static combine(continuations: readonly WorkContinuation[]): WorkContinuation {
    if (continuations.length === 0) throw new WorkError('empty-continuation');
    const names = new Set(continuations.map((c) => c.unique?.name).filter((n) => n !== undefined));
    if (names.size > 1) throw new WorkError('invalid-request', 'chains of different unique names');
    const unique = continuations.find((c) => c.unique)?.unique;
    return new WorkContinuation(continuations[0].manager, [], continuations, unique);
  }

  /** Commits the whole graph in one transaction; steps enqueued before are referred to by id. */
  async enqueue(): Promise<void> {
    const steps = this.steps();
    await this.manager.enqueuePlan(buildPlan(steps, this.unique));
    for (const step of steps) step.enqueued = true;
  }

  /** This step and its ancestors not yet enqueued, parents first. */
  private steps(): WorkContinuation[] {
    const ordered: WorkContinuation[] = [];
    const visit = (c: WorkContinuation, path: Set<WorkContinuation>) => {
      if (c.enqueued || ordered.includes(c)) return;
      if (path.has(c)) throw new WorkError('cycle');
      path.add(c);
      for (const p of c.parents) visit(p, path);
      path.delete(c);
      ordered.push(c);
    };
    visit(this, new Set());
    return ordered;
  }

  /** The ids a dependent of this step waits on: its own requests, or through a bare combine. */
  leafIds(): string[] {
    if (this.requests.length) return this.requests.map((r) => r.id);
    return this.parents.flatMap((p) => p.leafIds());
  }
}

function buildPlan(steps: WorkContinuation[], unique: UniqueSpec | undefined): EnqueuePlan {
  const nodes: EnqueueNode[] = [];
  for (const step of steps) {
    const parents = [...new Set(step.parents.flatMap((p) => p.leafIds()))];
    for (const request of step.requests) nodes.push({ request, parents });
  }
  checkGraph(nodes);
  return unique ? { nodes, unique } : { nodes };
}

/** The same request twice in one graph makes a cycle or a duplicate: both are refused. */
function checkGraph(nodes: EnqueueNode[]): void {
  const parentsOf = new Map<string, Set<string>>();
  for (const n of nodes) {
    const set = parentsOf.get(n.request.id) ?? new Set<string>();
    for (const p of n.parents) set.add(p);
    parentsOf.set(n.request.id, set);
  }
  if (parentsOf.size !== nodes.length) {
    if (hasCycle(parentsOf)) throw new WorkError('cycle');
    throw new WorkError('invalid-request', 'the same request appears twice');
  }
  const periodic = new Set(
    nodes.filter((n) => n.request.kind === 'periodic').map((n) => n.request.id),
  );
  const chained = nodes.some(
    (n) =>
      n.parents.some((p) => periodic.has(p)) || (periodic.has(n.request.id) && n.parents.length),
  );
  if (chained) throw new WorkError('invalid-request', 'periodic work cannot be chained');
}

function hasCycle(parentsOf: Map<string, Set<string>>): boolean {
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (id: string): boolean => {
    if (done.has(id)) return false;
    if (visiting.has(id)) return true;
    visiting.add(id);
    for (const p of parentsOf.get(id) ?? []) if (visit(p)) return true;
    visiting.delete(id);
    done.add(id);
    return false;
  };
  return [...parentsOf.keys()].some(visit);
}
