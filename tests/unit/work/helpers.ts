// Node has no IndexedDB: use fake-indexeddb there; in Chromium the real one is used.
if (typeof indexedDB === 'undefined') {
  // The same globals as fake-indexeddb/auto (idb checks `instanceof IDBRequest` and the like).
  const { default: _, ...fake } = await import('fake-indexeddb');
  Object.assign(globalThis, fake);
}

import type { WorkInfo, WorkManager, WorkQuery } from '../../../src/work/index';

/** Resolves with the first observed result that satisfies `predicate`. */
export function waitFor(
  manager: WorkManager,
  query: WorkQuery,
  predicate: (infos: WorkInfo[]) => boolean,
): Promise<WorkInfo[]> {
  return new Promise((resolve) => {
    const stop = manager.observe(query, (infos) => {
      if (!predicate(infos)) return;
      queueMicrotask(() => stop());
      resolve(infos);
    });
  });
}

export function waitForState(manager: WorkManager, id: string, state: WorkInfo['state']) {
  return waitFor(manager, { ids: [id] }, (infos) => infos[0]?.state === state).then((i) => i[0]);
}

/** A promise with its resolve, for workers that wait on the test. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
