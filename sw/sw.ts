/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { isAppMessage } from '../src/app/messages';
import { SAVED_URL_PREFIX } from '../src/app/work/fileStore';
import { handleNotificationClick, showStepNotification } from './notifications';
import { serveSavedFile } from './savedFiles';
import { receiveShare, SHARE_TARGET_PATH } from './shareTarget';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST, { cleanURLs: true });
cleanupOutdatedCaches();
// The first install takes the open page at once, so its saved images are served from here.
clientsClaim();

// Real routes first: Workbox's navigation fallback would answer them with index.html.
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith(SAVED_URL_PREFIX),
  ({ url, request }) => serveSavedFile(url, request),
);
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname === SHARE_TARGET_PATH,
  ({ request }) => receiveShare(request),
  'POST',
);
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/files\//, /^\/inspector/],
  }),
);

self.addEventListener('message', (event) => {
  const message: unknown = event.data;
  if (!isAppMessage(message)) return;
  if (message.type === 'SKIP_WAITING') void self.skipWaiting();
  else event.waitUntil(showStepNotification(message));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    handleNotificationClick(event.notification.data, event.action, {
      matchAll: () => self.clients.matchAll({ type: 'window', includeUncontrolled: true }),
      openWindow: (url) => self.clients.openWindow(url),
    }),
  );
});

// Tests call the click logic as a function inside the service worker (see tests/e2e).
Object.assign(self, { blurOMatic: { handleNotificationClick } });
