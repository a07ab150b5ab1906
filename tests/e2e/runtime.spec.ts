import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { E2E_URL, expect, launchApp, test } from './fixtures';
import {
  appReady,
  browserPid,
  enqueueCount,
  expectGuarantees,
  firstTab,
  observeTag,
  openGate,
  probeRecords,
  runsOf,
  workInfos,
  type TestWindow,
} from './runtimeHelpers';

// Issue 4: the runtime in the page. The e2e build's counting workers record every run in a
// probe database (start, heartbeat, end); each test checks that nothing was lost, no work ran
// in two places at once, and one result was committed.
test.use({ appBaseURL: E2E_URL, appPermissions: ['background-sync', 'notifications'] });

/** Opens another tab and waits until its executor is queued for the scheduler lock. */
async function openTab(context: BrowserContext, first: Page): Promise<Page> {
  const queued = await schedulerRequests(first);
  const page = await context.newPage();
  await page.goto('/');
  await appReady(page);
  await expect.poll(() => schedulerRequests(first)).toBeGreaterThan(queued);
  return page;
}

/** Requests held or queued for the scheduler lock, as the tab sees them. */
async function schedulerRequests(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return [...held, ...pending].filter((l) => l.name === 'work:blur-o-matic:scheduler').length;
  });
}

/** Waits until the probe shows attempt `attempt` of `id` running, and returns when it began. */
async function runStarted(page: Page, id: string, attempt: number): Promise<number> {
  await expect
    .poll(async () => runsOf(await probeRecords(page), id).map((r) => r.attempt), {
      timeout: 15_000,
    })
    .toContain(attempt);
  return runsOf(await probeRecords(page), id).find((r) => r.attempt === attempt)!.start;
}

test('three tabs, 100 works enqueued from all of them: all SUCCEEDED, seen so in every tab, no overlap', async ({
  app,
}) => {
  const first = await firstTab(app);
  const tabs = [first, await openTab(app, first), await openTab(app, first)];
  for (const tab of tabs) await observeTag(tab, 'hundred');
  const ids = (
    await Promise.all(
      tabs.map((tab, i) =>
        enqueueCount(tab, i === 0 ? 34 : 33, { tags: ['hundred'], input: { ms: 20 } }),
      ),
    )
  ).flat();
  expect(new Set(ids).size).toBe(100);
  for (const tab of tabs) {
    await expect
      .poll(
        () =>
          tab.evaluate(
            () =>
              (window as unknown as TestWindow).seen?.filter((i) => i.state === 'SUCCEEDED').length,
          ),
        { timeout: 30_000 },
      )
      .toBe(100);
  }
  const infos = await workInfos(tabs[1], { tags: ['hundred'] });
  expect(infos).toHaveLength(100);
  const records = await probeRecords(tabs[2]);
  expectGuarantees(infos, records);
  expect(infos.every((i) => i.runAttemptCount === 1)).toBe(true);
});

test('closing the leading tab mid-run: the other tab takes over within a second and finishes', async ({
  app,
}) => {
  const leader = await firstTab(app);
  const other = await openTab(app, leader);
  const [id] = await enqueueCount(other, 1, { input: { gate: 'close-leader' } });
  await runStarted(other, id, 1);
  const closedAt = Date.now();
  await leader.close();
  const resumedAt = await runStarted(other, id, 2);
  expect(resumedAt - closedAt).toBeLessThan(1000);
  await openGate(other, 'close-leader');
  await expect.poll(async () => (await workInfos(other, { ids: [id] }))[0].state).toBe('SUCCEEDED');
  const [info] = await workInfos(other, { ids: [id] });
  expect(info.runAttemptCount).toBe(2);
  const records = await probeRecords(other);
  expectGuarantees([info], records);
  expect(runsOf(records, id).map((r) => r.context)).toEqual(['worker', 'worker']);
});

test('reload mid-run: the work resumes and runAttemptCount shows the interrupted try', async ({
  app,
}) => {
  const page = await firstTab(app);
  const [id] = await enqueueCount(page, 1, { input: { gate: 'reload' } });
  await runStarted(page, id, 1);
  await page.reload();
  await appReady(page);
  await runStarted(page, id, 2);
  await openGate(page, 'reload');
  await expect.poll(async () => (await workInfos(page, { ids: [id] }))[0].state).toBe('SUCCEEDED');
  const [info] = await workInfos(page, { ids: [id] });
  expect(info.runAttemptCount).toBe(2);
  expect(info.stopReason).toBe('unknown');
  expectGuarantees([info], await probeRecords(page));
});

test('killing Chromium and relaunching the profile: pending and interrupted work completes', async () => {
  test.setTimeout(60_000);
  const { context, userDataDir } = await launchApp({
    baseURL: E2E_URL,
    permissions: ['background-sync'],
  });
  try {
    const page = await firstTab(context);
    const interrupted = await enqueueCount(page, 2, { input: { gate: 'kill' } });
    const pending = await enqueueCount(page, 3, { input: { ms: 10 } });
    for (const id of interrupted) await runStarted(page, id, 1);
    process.kill(browserPid(userDataDir), 'SIGKILL');
    await context.close().catch(() => undefined);

    const again = await launchApp({
      baseURL: E2E_URL,
      permissions: ['background-sync'],
      userDataDir,
    });
    try {
      const tab = await firstTab(again.context);
      await openGate(tab, 'kill');
      const ids = [...interrupted, ...pending];
      await expect
        .poll(async () => (await workInfos(tab, { ids })).map((i) => i.state), { timeout: 20_000 })
        .toEqual(ids.map(() => 'SUCCEEDED'));
      const infos = await workInfos(tab, { ids });
      expectGuarantees(infos, await probeRecords(tab));
      for (const info of infos.filter((i) => interrupted.includes(i.id))) {
        // The claim is written with relaxed durability: a kill may lose it, never the work.
        expect(info.runAttemptCount).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await again.context.close();
    }
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

test('Cancel while a blur runs in the pool: the pool worker is terminated, CANCELLED, no late result', async ({
  app,
}) => {
  const page = await firstTab(app);
  const id = await page.evaluate(async () => {
    const t = (window as unknown as TestWindow).blurOMaticTest;
    const request = t.oneTimeWork('test:pool-blur', { input: { passes: 400 } });
    await t.manager.enqueue([request]);
    return request.id;
  });
  await expect
    .poll(async () => (await workInfos(page, { ids: [id] }))[0].progress.pass ?? 0)
    .toBeGreaterThanOrEqual(1);
  const cancelledAt = Date.now();
  await page.evaluate(
    (id) => (window as unknown as TestWindow).blurOMaticTest.manager.cancelWorkById(id),
    id,
  );
  await expect
    .poll(async () =>
      (await probeRecords(page)).filter((r) => r.kind === 'terminate' && r.start >= cancelledAt),
    )
    .toHaveLength(1);
  await page.waitForTimeout(1500); // longer than a pass: a late result would have landed
  const [info] = await workInfos(page, { ids: [id] });
  expect(info.state).toBe('CANCELLED');
  expect(info.stopReason).toBe('cancelled-by-app');
  expect(info.outputData).toEqual({});
  const [run] = runsOf(await probeRecords(page), id);
  expect(run.end).toBeNull(); // the worker never returned: its pool call was cut off
});

// Headless Chromium 156 cannot freeze a page for real: CDP Page.setWebLifecycleState fires
// neither `freeze` nor `resume` (seen), and a page whose worker holds Web Locks is not put in the
// back/forward cache. So the lifecycle events are dispatched to the page as the browser would.
test('a tab told it is frozen gives up the lead at once, and queues again on resume', async ({
  app,
}) => {
  const leader = await firstTab(app);
  const other = await openTab(app, leader);
  const holder = () =>
    other.evaluate(async () => {
      const { held = [] } = await navigator.locks.query();
      return held.find((l) => l.name === 'work:blur-o-matic:scheduler')?.clientId ?? null;
    });
  const leaderClient = await holder();
  expect(leaderClient).not.toBeNull();
  const [running] = await enqueueCount(leader, 1, { input: { gate: 'frozen' } });
  await runStarted(leader, running, 1);
  await leader.evaluate(() => document.dispatchEvent(new Event('freeze')));
  await expect.poll(holder).not.toBe(leaderClient);
  // The other tab leads now, yet leaves the run in flight alone: it still holds its work lock.
  const [id] = await enqueueCount(other, 1, { input: { ms: 10 } });
  await expect.poll(async () => (await workInfos(other, { ids: [id] }))[0].state).toBe('SUCCEEDED');
  await leader.evaluate(() => document.dispatchEvent(new Event('resume')));
  await openGate(other, 'frozen');
  await expect
    .poll(async () => (await workInfos(other, { ids: [running] }))[0].state)
    .toBe('SUCCEEDED');
  await other.close();
  await expect
    .poll(() =>
      leader.evaluate(async () => {
        const { held = [] } = await navigator.locks.query();
        return held.find((l) => l.name === 'work:blur-o-matic:scheduler')?.clientId ?? null;
      }),
    )
    .toBe(leaderClient); // the resumed tab's executor leads again
  const infos = await workInfos(leader, { ids: [running, id] });
  expectGuarantees(infos, await probeRecords(leader));
  expect(infos[0].runAttemptCount).toBe(1); // the paused tab's run committed its result
});
