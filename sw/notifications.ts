import { NOTIFICATION_TAG, type NotifyRequest } from '../src/app/messages';

declare const self: ServiceWorkerGlobalScope;

export async function showStepNotification(request: NotifyRequest): Promise<void> {
  if (Notification.permission !== 'granted') return;
  const url = request.fileUrl && isSameOriginPath(request.fileUrl) ? request.fileUrl : undefined;
  await self.registration.showNotification(request.title, {
    body: request.body,
    tag: NOTIFICATION_TAG,
    icon: '/icons/icon-192.png',
    data: { url },
    // Chromium lets a service worker add actions; lib.dom does not declare them on the options.
    ...({ actions: url ? [{ action: 'see-file', title: 'See File' }] : [] } as object),
  });
}

/** What a notification click needs from the service worker, behind a seam tests can observe. */
export interface ClickSeams {
  matchAll(): Promise<readonly WindowClient[]>;
  openWindow(url: string): Promise<unknown>;
}

/**
 * The `notificationclick` logic as a plain function, so tests can call it inside the service
 * worker (`clients.openWindow` needs a real user click, which tests cannot make). Only
 * same-origin paths are ever opened.
 */
export async function handleNotificationClick(
  data: unknown,
  action: string,
  seams: ClickSeams,
): Promise<string> {
  const fileUrl = readUrl(data);
  const target = fileUrl && (action === 'see-file' || action === '') ? fileUrl : '/';
  if (target === '/') {
    const open = (await seams.matchAll()).find(
      (c) => new URL(c.url).origin === self.location.origin,
    );
    if (open) {
      await open.focus();
      return target;
    }
  }
  await seams.openWindow(target);
  return target;
}

function readUrl(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const url = (data as { url?: unknown }).url;
  return typeof url === 'string' && isSameOriginPath(url) ? url : undefined;
}

export function isSameOriginPath(url: string): boolean {
  if (!url.startsWith('/') || url.startsWith('//')) return false;
  try {
    return new URL(url, self.location.origin).origin === self.location.origin;
  } catch {
    return false;
  }
}
