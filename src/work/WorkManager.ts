import { BATTERY_KEY, type BatteryReading } from './batteryReading';
import { browserBroadcast, WorkHub, type ChannelFactory } from './broadcast';
import { systemClock, type Clock } from './clock';
import { dbName, openWorkDb } from './db';
import { Observation, type WorkInfoListener } from './Observation';
import { toWorkInfo, type WorkRecord } from './record';
import type { PeriodicWorkRequest, WorkRequest } from './requests';
import { UNFINISHED, WorkStore, type Writer } from './store';
import { applyUpdate, cancelTree, enqueuePlan, prune, type EnqueuePlan } from './transitions';
import type {
  ExistingPeriodicWorkPolicy,
  ExistingWorkPolicy,
  UpdateResult,
  WorkInfo,
  WorkQuery,
} from './types';
import { WorkContinuation } from './WorkContinuation';
import { WorkError } from './WorkError';

export interface WorkManagerOptions {
  /** The app's work database: every context that opens the same name shares the work. */
  name: string;
  /** Another IndexedDB (fake-indexeddb in Node tests). */
  indexedDB?: IDBFactory;
  /** Another BroadcastChannel (an in-memory bus in tests); null for none. */
  broadcast?: ChannelFactory | null;
  clock?: Clock;
  /** Called after the connection closed itself for a newer schema version: offer a reload. */
  onVersionChange?: () => void;
}

/** Opens the store and hub that a manager or an executor uses in one context. */
export async function openWorkStore(options: WorkManagerOptions): Promise<WorkStore> {
  const clock = options.clock ?? systemClock;
  const factory =
    options.broadcast === undefined ? browserBroadcast() : (options.broadcast ?? undefined);
  const hub = new WorkHub(dbName(options.name), factory);
  const db = await openWorkDb(options.name, options);
  return new WorkStore(db, hub, () => clock.now());
}

/**
 * The client face of the library (androidx.work.WorkManager): enqueue, observe, cancel, update.
 * It runs no work: executors do (startExecutor, the service worker).
 */
export class WorkManager {
  private readonly observations = new Set<Observation>();

  private constructor(private readonly store: WorkStore) {}

  static async open(options: WorkManagerOptions): Promise<WorkManager> {
    return new WorkManager(await openWorkStore(options));
  }

  /** Enqueues independent requests, in one transaction. */
  enqueue(requests: WorkRequest | readonly WorkRequest[]): Promise<void> {
    return this.beginWith(requests).enqueue();
  }

  beginWith(requests: WorkRequest | readonly WorkRequest[]): WorkContinuation {
    return new WorkContinuation(this, listOf(requests));
  }

  beginUniqueWork(
    name: string,
    policy: ExistingWorkPolicy,
    requests: WorkRequest | readonly WorkRequest[],
  ): WorkContinuation {
    return new WorkContinuation(this, listOf(requests), [], { name, policy });
  }

  enqueueUniqueWork(name: string, policy: ExistingWorkPolicy, request: WorkRequest): Promise<void> {
    return this.beginUniqueWork(name, policy, request).enqueue();
  }

  enqueueUniquePeriodicWork(
    name: string,
    policy: ExistingPeriodicWorkPolicy,
    request: PeriodicWorkRequest,
  ): Promise<void> {
    if (request.kind !== 'periodic') throw new WorkError('invalid-request', 'not periodic work');
    return new WorkContinuation(this, [request], [], { name, policy }).enqueue();
  }

  /** @internal The one transaction behind every enqueue, strict durability. */
  async enqueuePlan(plan: EnqueuePlan): Promise<void> {
    await this.store.mutate(true, (w) => enqueuePlan(w, plan));
  }

  async getWorkInfoById(id: string): Promise<WorkInfo | null> {
    const [info] = await this.getWorkInfos({ ids: [id] });
    return info ?? null;
  }

  getWorkInfosByTag(tag: string): Promise<WorkInfo[]> {
    return this.getWorkInfos({ tags: [tag] });
  }

  getWorkInfosForUniqueWork(name: string): Promise<WorkInfo[]> {
    return this.getWorkInfos({ uniqueWorkNames: [name] });
  }

  async getWorkInfos(query: WorkQuery): Promise<WorkInfo[]> {
    const { records } = await this.store.read(query);
    return records.map(toWorkInfo);
  }

  /** Live WorkInfos for `query`: first the stored state, then each change once, in order. */
  observe(query: WorkQuery, listener: WorkInfoListener): () => void {
    const observation = new Observation(this.store, this.store.hub, query, listener);
    this.observations.add(observation);
    return () => {
      observation.close();
      this.observations.delete(observation);
    };
  }

  /** Re-reads every observed query: after the page was frozen or hidden and missed messages. */
  async refresh(): Promise<void> {
    await Promise.all([...this.observations].map((o) => o.resync()));
  }

  cancelWorkById(id: string): Promise<void> {
    return this.cancel(async (w) => {
      const r = await w.get(id);
      return r ? [r] : [];
    });
  }

  cancelAllWorkByTag(tag: string): Promise<void> {
    return this.cancel((w) => w.byIndex('tags', tag));
  }

  cancelUniqueWork(name: string): Promise<void> {
    return this.cancel((w) => w.byIndex('uniqueName', name));
  }

  cancelAllWork(): Promise<void> {
    return this.cancel(async (w) =>
      (await Promise.all(UNFINISHED.map((s) => w.inState(s)))).flat(),
    );
  }

  /** Edits a work in place: generation + 1; a running work keeps running, as it was. */
  async updateWork(request: WorkRequest): Promise<UpdateResult> {
    return this.store.mutate(true, async (w) =>
      applyUpdate(w, await w.require(request.id), request),
    );
  }

  /** Deletes finished work none of whose dependents is unfinished. */
  async pruneWork(): Promise<void> {
    await this.store.mutate(false, (w) => prune(w));
  }

  /** @internal A window shares its Battery Status reading with the contexts that lack the API. */
  async shareBatteryReading(reading: BatteryReading): Promise<void> {
    await this.store.writeMeta(BATTERY_KEY, reading);
  }

  close(): void {
    for (const o of this.observations) o.close();
    this.observations.clear();
    this.store.hub.close();
    this.store.close();
  }

  private async cancel(select: (w: Writer) => Promise<WorkRecord[]>): Promise<void> {
    await this.store.mutate(true, async (w) => {
      await cancelTree(w, await select(w));
    });
  }
}

function listOf(requests: WorkRequest | readonly WorkRequest[]): WorkRequest[] {
  const list = Array.isArray(requests)
    ? [...(requests as WorkRequest[])]
    : [requests as WorkRequest];
  if (list.length === 0) throw new WorkError('empty-continuation');
  return list;
}
