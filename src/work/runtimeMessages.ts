/**
 * The runtime's messages between a page, its executor Worker and the service worker: one
 * discriminated union, checked on arrival (a message from another version of the app may differ).
 */

/** Page → its executor Worker: give up the scheduler lock (frozen, hidden) or take it back. */
export interface ExecutorCommand {
  type: 'work:executor';
  command: 'pause' | 'resume';
}

/** Page → service worker: run due work once this page's executor lets go of the lock. */
export interface WakeRequest {
  type: 'work:wake';
  name: string;
}

export type RuntimeMessage = ExecutorCommand | WakeRequest;

export function isRuntimeMessage(value: unknown): value is RuntimeMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.type === 'work:executor') return v.command === 'pause' || v.command === 'resume';
  return v.type === 'work:wake' && typeof v.name === 'string';
}

/** The Background Sync tag a page keeps registered while work of database `name` is pending. */
export function syncTagFor(name: string): string {
  return `work:${name}`;
}
