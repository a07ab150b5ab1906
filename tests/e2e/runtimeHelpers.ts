import { execFileSync } from 'node:child_process';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { expect, openApp } from './fixtures';
import type { ProbeRecord } from '../../src/app/work/testProbe';
import type { Data, WorkInfo, WorkQuery } from '../../src/work';

/** What the e2e build exposes: `window.blurOMaticTest` in the page, `self.blurOMaticTest` in the SW. */
interface PageHandle {
  manager: {
    enqueue(requests: unknown[]): Promise<void>;
    getWorkInfos(query: WorkQuery): Promise<WorkInfo[]>;
    observe(query: WorkQuery, listener: (infos: WorkInfo[]) => void): () => void;
    cancelWorkById(id: string): Promise<void>;
  };
  oneTimeWork(
    worker: string,
    options: { input?: Data; tags?: string[]; constraints?: object },
  ): { id: string };
}
export type TestWindow = typeof globalThis & {
  blurOMaticTest: PageHandle;
  seen?: WorkInfo[];
};

/** Waits until the app's page client is up (the e2e build exposes it). */
/** The first tab of a test: the probe script installed in every page, the app ready. */
export async function firstTab(context: BrowserContext): Promise<Page> {
  await context.addInitScript(probeScript);
  const page = await openApp(context);
  await appReady(page);
  return page;
}

export async function appReady(page: Page): Promise<void> {
  await page.waitForFunction(() => 'blurOMaticTest' in window);
}

/** Enqueues `count` counting works (one transaction) from `page`; returns their ids. */
export async function enqueueCount(
  page: Page,
  count: number,
  options: { input?: Data; tags?: string[]; constraints?: object } = {},
): Promise<string[]> {
  return page.evaluate(
    async ({ count, options }) => {
      const t = (window as unknown as TestWindow).blurOMaticTest;
      const requests = Array.from({ length: count }, () => t.oneTimeWork('test:count', options));
      await t.manager.enqueue(requests);
      return requests.map((r) => r.id);
    },
    { count, options },
  );
}

/** Keeps the latest observed WorkInfos of `tag` in `window.seen`. */
export async function observeTag(page: Page, tag: string): Promise<void> {
  await page.evaluate((tag) => {
    const w = window as unknown as TestWindow;
    w.blurOMaticTest.manager.observe({ tags: [tag] }, (infos) => (w.seen = infos));
  }, tag);
}

export async function workInfos(page: Page, query: WorkQuery): Promise<WorkInfo[]> {
  return page.evaluate(
    (q) => (window as unknown as TestWindow).blurOMaticTest.manager.getWorkInfos(q),
    query,
  );
}

type SwHandle = {
  blurOMaticTest: {
    probe: { records(): Promise<ProbeRecord[]>; openGate(gate: string): Promise<void> };
    workInfos(query: WorkQuery): Promise<WorkInfo[]>;
  };
};

/** The same, read inside the service worker: no tab needs to be open. */
export async function workInfosInSw(sw: Worker, query: WorkQuery): Promise<WorkInfo[]> {
  return sw.evaluate((q) => (self as unknown as SwHandle).blurOMaticTest.workInfos(q), query);
}

export async function probeInSw(sw: Worker): Promise<ProbeRecord[]> {
  return sw.evaluate(() => (self as unknown as SwHandle).blurOMaticTest.probe.records());
}

/** Runs in the page: the probe database, opened without the app's code. */
export async function probeRecords(page: Page): Promise<ProbeRecord[]> {
  return page.evaluate(() => probeRequest<ProbeRecord[]>('runs', 'readonly', (s) => s.getAll()));
}

export async function openGate(page: Page, gate: string): Promise<void> {
  await page.evaluate(
    (gate) => probeRequest('gates', 'readwrite', (s) => s.put('open', gate)),
    gate,
  );
}

/** Installs `probeRequest` in every page of the context (raw IndexedDB, like testProbe). */
export const probeScript = `
  globalThis.probeRequest = (store, mode, body) => new Promise((resolve, reject) => {
    const open = indexedDB.open('bom-e2e-probe', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('runs', { keyPath: 'id', autoIncrement: true });
      open.result.createObjectStore('gates');
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(store, mode, { durability: 'strict' });
      const request = body(tx.objectStore(store));
      tx.oncomplete = () => { open.result.close(); resolve(request.result); };
      tx.onabort = () => { open.result.close(); reject(tx.error); };
    };
  });
`;
declare global {
  function probeRequest<T = unknown>(
    store: 'runs' | 'gates',
    mode: IDBTransactionMode,
    body: (s: IDBObjectStore) => IDBRequest,
  ): Promise<T>;
}

export function runsOf(records: ProbeRecord[], workId: string): ProbeRecord[] {
  return records
    .filter((r) => r.kind === 'run' && r.workId === workId)
    .sort((a, b) => a.start - b.start);
}

/**
 * The guarantees, from the probe: every work ran, no two runs of a work overlapped (a run whose
 * context died ends at its last heartbeat), and exactly one run returned — the attempt whose
 * result was committed.
 */
export function expectGuarantees(infos: WorkInfo[], records: ProbeRecord[]): void {
  for (const info of infos) {
    expect(info.state, info.id).toBe('SUCCEEDED');
    const runs = runsOf(records, info.id);
    expect(runs.length, `runs of ${info.id}`).toBeGreaterThan(0);
    for (let i = 1; i < runs.length; i++) {
      const before = runs[i - 1];
      expect(before.end ?? before.beat, `runs of ${info.id} overlap`).toBeLessThanOrEqual(
        runs[i].start,
      );
    }
    const returned = runs.filter((r) => r.end !== null);
    expect(
      returned.map((r) => r.attempt),
      `returned runs of ${info.id}`,
    ).toEqual([info.runAttemptCount]);
    expect(info.outputData.attempt).toBe(info.runAttemptCount);
  }
}

/** Chromium's browser process for a profile: the one process without a `--type=` switch. */
export function browserPid(userDataDir: string): number {
  const out = execFileSync('pgrep', ['-f', '--', `--user-data-dir=${userDataDir}`], {
    encoding: 'utf8',
  });
  for (const pid of out.trim().split('\n').map(Number)) {
    const cmd = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    if (!cmd.includes('--type=')) return pid;
  }
  throw new Error(`no browser process for ${userDataDir}`);
}
