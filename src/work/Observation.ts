import type { WorkChange, WorkHub } from './broadcast';
import { toWorkInfo, type WorkRecord } from './record';
import { byOrder, matchesQuery, type WorkStore } from './store';
import type { WorkInfo, WorkQuery } from './types';

export type WorkInfoListener = (infos: WorkInfo[]) => void;

/**
 * One live query: first the stored state, then each change once, in order. Changes carry the
 * database-wide rev: older ones are dropped, and a gap (a message from another context still in
 * flight, or lost) is closed by re-reading IndexedDB.
 */
export class Observation {
  private matched = new Map<string, WorkRecord>();
  private rev = -1;
  private pending: WorkChange[] = [];
  private reading = false;
  private closed = false;
  private signature: string | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: WorkStore,
    hub: WorkHub,
    private readonly query: WorkQuery,
    private readonly listener: WorkInfoListener,
  ) {
    this.unsubscribe = hub.subscribe((change) => this.onChange(change));
    void this.resync();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
  }

  /** Re-reads the stored state: on a gap, and when a frozen or hidden page comes back. */
  async resync(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const snapshot = await this.store.read(this.query);
      if (snapshot.rev > this.rev) {
        this.rev = snapshot.rev;
        this.matched = new Map(snapshot.records.map((r) => [r.id, r]));
      }
    } catch {
      // The connection closed (an upgrade, or the end of the context): nothing more to show.
      return;
    } finally {
      this.reading = false;
    }
    this.emit();
    this.drain();
  }

  private onChange(change: WorkChange): void {
    this.pending.push(change);
    if (!this.reading) this.drain();
  }

  private drain(): void {
    this.pending.sort((a, b) => a.rev - b.rev);
    while (this.pending.length && !this.closed) {
      const change = this.pending[0];
      if (change.rev <= this.rev) {
        this.pending.shift();
      } else if (change.rev === this.rev + 1) {
        this.pending.shift();
        this.apply(change);
      } else {
        void this.resync();
        return;
      }
    }
  }

  private apply(change: WorkChange): void {
    this.rev = change.rev;
    for (const id of change.deleted) this.matched.delete(id);
    for (const r of change.records) {
      if (matchesQuery(r, this.query)) this.matched.set(r.id, r);
      else this.matched.delete(r.id);
    }
    this.emit();
  }

  /** De-duplicated: a change that leaves this query's result as it was is not reported. */
  private emit(): void {
    if (this.closed) return;
    const records = [...this.matched.values()].sort(byOrder);
    const signature = records.map((r) => `${r.id}@${r.rev}`).join(',');
    if (signature === this.signature) return;
    this.signature = signature;
    try {
      this.listener(records.map(toWorkInfo));
    } catch (error) {
      console.error('work: an observe() listener threw', error);
    }
  }
}
