import { cacheNames } from 'workbox-core';

declare const self: ServiceWorkerGlobalScope;

/**
 * An open tab of the previous version may still load its own hashed chunks (a worker, a lazily
 * imported module) after this version activates and Workbox drops them from the precache. So at
 * install, the assets of the version in use are kept aside, and served when the precache misses.
 */
const PREVIOUS_ASSETS = 'blur-o-matic-previous-assets';
const ASSET_PREFIX = '/assets/';

export async function keepPreviousAssets(): Promise<void> {
  await caches.delete(PREVIOUS_ASSETS);
  const precache = await caches.open(cacheNames.precache);
  const keep = await caches.open(PREVIOUS_ASSETS);
  for (const request of await precache.keys()) {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith(ASSET_PREFIX)) continue;
    const response = await precache.match(request);
    if (response) await keep.put(pathname, response);
  }
}

export function isAsset(url: URL): boolean {
  return url.origin === self.location.origin && url.pathname.startsWith(ASSET_PREFIX);
}

export async function servePreviousAsset(url: URL, request: Request): Promise<Response> {
  const kept = await caches.match(url.pathname, { cacheName: PREVIOUS_ASSETS });
  return kept ?? fetch(request);
}
