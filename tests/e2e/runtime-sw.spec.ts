import type { BrowserContext, CDPSession, Page, Worker } from '@playwright/test';
import { E2E_URL, expect, openApp, serviceWorker, test } from './fixtures';
import {
  appReady,
  enqueueCount,
  expectGuarantees,
  firstTab,
  probeInSw,
  runsOf,
  workInfos,
  workInfosInSw,
  type TestWindow,
} from './runtimeHelpers';
import type { WorkInfo } from '../../src/work';

// Issue 5: the runtime in the service worker. The tab closes; the service worker carries on.
test.use({ appBaseURL: E2E_URL, appPermissions: ['background-sync', 'notifications'] });

const TAG = 'work:blur-o-matic';

/**
 * DevTools for the service worker, from a blank page of another origin: it stays open when the
 * app's last tab closes, and is not a window client of the app.
 */
async function devtools(context: BrowserContext): Promise<{
  cdp: CDPSession;
  stopWorkers(): Promise<void>;
  dispatchSync(): Promise<void>;
}> {
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  let registrationId = '';
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const ours = (registrations as { registrationId: string; scopeURL: string }[]).find((r) =>
      r.scopeURL.startsWith(E2E_URL),
    );
    if (ours) registrationId = ours.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => registrationId).not.toBe('');
  return {
    cdp,
    // While online and with no routes active, as web-platform.md says; bounded in time.
    stopWorkers: () => withTimeout(cdp.send('ServiceWorker.stopAllWorkers'), 10_000),
    dispatchSync: () =>
      withTimeout(
        cdp.send('ServiceWorker.dispatchSyncEvent', {
          origin: E2E_URL,
          registrationId,
          tag: TAG,
          lastChance: false,
        }),
        10_000,
      ),
  };
}

async function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('CDP timeout')), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** The newest running service worker (a stopped one is replaced by a new Worker object). */
async function liveServiceWorker(context: BrowserContext): Promise<Worker> {
  await expect
    .poll(async () => {
      const sw = context.serviceWorkers().at(-1);
      return sw ? sw.evaluate(() => 1).catch(() => 0) : 0;
    })
    .toBe(1);
  return context.serviceWorkers().at(-1)!;
}

async function statesInSw(context: BrowserContext, ids: string[]): Promise<string[]> {
  const sw = await liveServiceWorker(context);
  return (await workInfosInSw(sw, { ids })).map((i) => i.state);
}

async function enqueueChain(page: Page, inputs: object[]): Promise<string[]> {
  return page.evaluate(async (inputs) => {
    const t = (window as unknown as TestWindow).blurOMaticTest;
    const requests = inputs.map((input) => t.oneTimeWork('test:count', { input: input as never }));
    const manager = t.manager as unknown as {
      beginWith(r: unknown): { then(r: unknown): unknown; enqueue(): Promise<void> };
    };
    let chain = manager.beginWith(requests[0]);
    for (const r of requests.slice(1)) chain = chain.then(r) as typeof chain;
    await chain.enqueue();
    return requests.map((r) => r.id);
  }, inputs);
}

test('closing the only tab mid-chain: the service worker finishes it; a later tab finds the result', async ({
  app,
}) => {
  test.setTimeout(90_000);
  const page = await firstTab(app);
  await page.getByLabel(/Slow motion/).check();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('status')).toHaveText(/Blurring image/, { timeout: 20_000 });
  await page.close();
  const chain = async (): Promise<WorkInfo[]> =>
    workInfosInSw(await liveServiceWorker(app), { uniqueWorkNames: ['image_manipulation_work'] });
  await expect
    .poll(async () => (await chain()).map((i) => i.state), { timeout: 60_000 })
    .toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  const finished = await chain();
  const later = await openApp(app);
  await expect(later.getByRole('button', { name: 'See File' })).toBeVisible();
  await expect(later.getByRole('list', { name: 'Saved images' }).getByRole('listitem')).toHaveCount(
    1,
  );
  await later.waitForTimeout(1500); // an executor that re-ran anything would have written by now
  const after = await workInfos(later, { uniqueWorkNames: ['image_manipulation_work'] });
  expect(after.map((i) => [i.id, i.rev, i.runAttemptCount])).toEqual(
    finished.map((i) => [i.id, i.rev, i.runAttemptCount]),
  );
});

test('service worker stopped before the tab closes: a dispatched sync completes the chain', async ({
  app,
}) => {
  const page = await firstTab(app);
  const tools = await devtools(app);
  const ids = await enqueueChain(page, [{ ms: 4000 }, { ms: 100 }, { ms: 100 }]);
  const tags = await page.evaluate(async () =>
    (
      (await navigator.serviceWorker.ready) as unknown as { sync: { getTags(): Promise<string[]> } }
    ).sync.getTags(),
  );
  expect(tags).toContain(TAG);
  await tools.stopWorkers();
  await page.close();
  // The page's leaving message may have started the worker again: stop it once more, so that
  // only the sync event can finish the chain.
  await tools.stopWorkers();
  await tools.dispatchSync();
  await expect
    .poll(() => statesInSw(app, ids), { timeout: 30_000 })
    .toEqual(ids.map(() => 'SUCCEEDED'));
  const sw = await liveServiceWorker(app);
  const infos = await workInfosInSw(sw, { ids });
  const records = await probeInSw(sw);
  expectGuarantees(infos, records);
  for (const id of ids.slice(1)) expect(runsOf(records, id).map((r) => r.context)).toEqual(['sw']);
});

test('service worker stopped in the middle of a run it leads: the attempt is repeated, one result', async ({
  app,
}) => {
  const page = await firstTab(app);
  const tools = await devtools(app);
  const [id] = await enqueueCount(page, 1, { input: { gate: 'sw-stop' } });
  await expect
    .poll(async () => runsOf(await probeInSw(await serviceWorker(app)), id).length)
    .toBe(1);
  await page.close();
  await expect
    .poll(async () =>
      runsOf(await probeInSw(await liveServiceWorker(app)), id).map((r) => r.context),
    )
    .toEqual(['worker', 'sw']);
  await tools.stopWorkers();
  await tools.dispatchSync();
  const sw = await liveServiceWorker(app);
  await sw.evaluate(() =>
    (
      self as unknown as { blurOMaticTest: { probe: { openGate(g: string): Promise<void> } } }
    ).blurOMaticTest.probe.openGate('sw-stop'),
  );
  await expect.poll(() => statesInSw(app, [id]), { timeout: 30_000 }).toEqual(['SUCCEEDED']);
  const live = await liveServiceWorker(app);
  const [info] = await workInfosInSw(live, { ids: [id] });
  const records = await probeInSw(live);
  expectGuarantees([info], records);
  expect(runsOf(records, id).map((r) => r.context)).toEqual(['worker', 'sw', 'sw']);
  expect(info.runAttemptCount).toBe(3);
});

test('a network-constrained work waits offline and runs once back online, with no tab open', async ({
  app,
}) => {
  const page = await firstTab(app);
  await app.setOffline(true);
  const [id] = await enqueueCount(page, 1, { constraints: { network: 'connected' } });
  await page.waitForTimeout(1500);
  expect((await workInfos(page, { ids: [id] }))[0].state).toBe('ENQUEUED');
  await page.close();
  await expect.poll(async () => (await statesInSw(app, [id]))[0]).toBe('ENQUEUED');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await statesInSw(app, [id])).toEqual(['ENQUEUED']);
  await app.setOffline(false);
  await expect.poll(() => statesInSw(app, [id]), { timeout: 20_000 }).toEqual(['SUCCEEDED']);
  const records = await probeInSw(await liveServiceWorker(app));
  expect(runsOf(records, id).map((r) => r.context)).toEqual(['sw']);
});

test.describe('with Background Sync forced off', () => {
  test('the work resumes when the app is opened again', async ({ app }) => {
    // As in a browser without the API: the page finds no `registration.sync`.
    await app.addInitScript(() =>
      Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', { get: () => undefined }),
    );
    const page = await firstTab(app);
    const tools = await devtools(app);
    const [id] = await enqueueCount(page, 1, { input: { gate: 'no-sync' } });
    await expect
      .poll(async () => runsOf(await probeInSw(await serviceWorker(app)), id).length)
      .toBe(1);
    expect(
      await (
        await liveServiceWorker(app)
      ).evaluate(() =>
        (
          self as unknown as { registration: { sync: { getTags(): Promise<string[]> } } }
        ).registration.sync.getTags(),
      ),
    ).toEqual([]);
    await page.close();
    // The browser stops an idle service worker; with no sync registered nothing wakes it.
    await tools.stopWorkers();
    const again = await openApp(app);
    await appReady(again);
    await again.evaluate(() => probeRequest('gates', 'readwrite', (s) => s.put('open', 'no-sync')));
    await expect
      .poll(async () => (await workInfos(again, { ids: [id] }))[0].state, { timeout: 20_000 })
      .toBe('SUCCEEDED');
    const [info] = await workInfos(again, { ids: [id] });
    expect(info.runAttemptCount).toBeGreaterThanOrEqual(2);
    expectGuarantees([info], await probeInSw(await liveServiceWorker(app)));
  });
});
