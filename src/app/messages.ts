/**
 * Every message between the page, the executor worker and the service worker: one discriminated
 * union, so each side's handler is checked by the compiler.
 */
export interface NotifyRequest {
  type: 'notify';
  title: string;
  body: string;
  /** The saved file to open from the notification's "See File" action. */
  fileUrl?: string;
}

export interface SkipWaiting {
  type: 'SKIP_WAITING';
}

export type AppMessage = NotifyRequest | SkipWaiting;

/** One tag for every step's notification, so that each replaces the previous one. */
export const NOTIFICATION_TAG = 'blur-o-matic-progress';

export function isAppMessage(value: unknown): value is AppMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (type === 'SKIP_WAITING') return true;
  if (type !== 'notify') return false;
  const { title, body, fileUrl } = value as Record<string, unknown>;
  return (
    typeof title === 'string' &&
    typeof body === 'string' &&
    (fileUrl === undefined || typeof fileUrl === 'string')
  );
}
