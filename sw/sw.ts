/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { isAppMessage } from '../src/app/messages';
import { installServiceWorkerExecutor } from '../src/work/installServiceWorkerExecutor.sw';
import { WorkManager, type WorkQuery } from '../src/work';
import { createAppWorkers } from '../src/app/work/appWorkers';
import { createBlurEnv, inlineFileBlur } from '../src/app/work/blurEnv';
import { e2eTrace } from '../src/app/work/e2eTrace';
import { WORK_NAME } from '../src/app/work/names';
import { testProbe } from '../src/app/work/testProbe';
import { createTestWorkers } from '../src/app/work/testWorkers';
import { SAVED_URL_PREFIX } from '../src/app/work/fileStore';
import { handleNotificationClick, showStepNotification } from './notifications';
import { isAsset, keepPreviousAssets, servePreviousAsset } from './previousAssets';
import { serveSavedFile } from './savedFiles';
import { receiveShare, SHARE_TARGET_PATH } from './shareTarget';

declare const self: ServiceWorkerGlobalScope;

// Before Workbox's own install handler adds this version's files to the shared precache.
self.addEventListener('install', (event) => event.waitUntil(keepPreviousAssets()));
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
  ({ url }) => isAsset(url),
  ({ url, request }) => servePreviousAsset(url, request),
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

// The executor for when no tab leads: the same workers as the page's executor, with the blur
// inline (a service worker cannot start workers; the blur yields in bands).
const workers = createAppWorkers({
  notify: showStepNotification,
  ...createBlurEnv(inlineFileBlur),
});
if (__E2E__) workers.push(...createTestWorkers({ context: 'sw' }));
installServiceWorkerExecutor({ name: WORK_NAME, workers, trace: e2eTrace('sw') });

if (__E2E__) {
  // The e2e tests read the probe and the work table here when no tab is open.
  const workInfos = async (query: WorkQuery) => {
    const manager = await WorkManager.open({ name: WORK_NAME });
    try {
      return await manager.getWorkInfos(query);
    } finally {
      manager.close();
    }
  };
  Object.assign(self, { blurOMaticTest: { probe: testProbe, workInfos } });
}

// Tests call the click logic as a function inside the service worker (see tests/e2e).
Object.assign(self, { blurOMatic: { handleNotificationClick } });
