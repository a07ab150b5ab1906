import { Workbox } from 'workbox-window';

export interface ServiceWorkerHooks {
  /** A new version is installed and waiting: offer "Reload to update". */
  onUpdateWaiting(apply: () => void): void;
}

/**
 * Registers the service worker with workbox-window. When a new version waits, the page offers
 * a reload; accepting sends SKIP_WAITING and reloads once the new worker controls the page.
 */
export async function registerServiceWorker(hooks: ServiceWorkerHooks): Promise<Workbox | null> {
  if (!('serviceWorker' in navigator)) return null;
  const wb = new Workbox('/sw.js', { scope: '/' });
  const offer = (): void =>
    hooks.onUpdateWaiting(() => {
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
    });
  wb.addEventListener('waiting', offer);
  await wb.register();
  // A worker that was already waiting when this page loaded fires no `waiting` event here.
  const registration = await navigator.serviceWorker.getRegistration('/');
  if (registration?.waiting && navigator.serviceWorker.controller) offer();
  return wb;
}
