import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

const sample = readFileSync('public/sample.jpg');

/** The app in one tab (its executor runs the work) and the inspector in another. */
async function appAndInspector(app: BrowserContext): Promise<{ page: Page; inspector: Page }> {
  const page = await openApp(app);
  const inspector = await app.newPage();
  await inspector.goto('/inspector');
  await expect(table(inspector)).toBeVisible();
  return { page, inspector };
}

function table(inspector: Page): Locator {
  return inspector.getByRole('table', { name: /^All work/ });
}

/** Worker, state and attempts of each row, in the table's order. */
async function rows(inspector: Page): Promise<string[][]> {
  return table(inspector)
    .locator('tbody tr[data-work-id]')
    .evaluateAll((trs) =>
      trs.map((tr) => [1, 2, 5].map((i) => tr.children[i]?.textContent?.trim() ?? '')),
    );
}

function sorted(list: string[][]): string[][] {
  return [...list].sort((a, b) => a.join().localeCompare(b.join()));
}

function graph(inspector: Page): Locator {
  return inspector.getByRole('group', { name: /^Chain graph:/ });
}

/** The row link of the first work of `worker` whose row says `state`. */
function rowLink(inspector: Page, worker: string, state: string): Locator {
  return table(inspector)
    .locator('tbody tr')
    .filter({ has: inspector.getByRole('cell', { name: worker, exact: true }) })
    .filter({ has: inspector.getByRole('cell', { name: state, exact: true }) })
    .first()
    .getByRole('link');
}

async function chooseBroken(page: Page): Promise<void> {
  await page.getByLabel('Choose image').setInputFiles({
    name: 'broken.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('this is not a JPEG at all'),
  });
}

test('after one blur chain, cleanup, blur and save succeeded once each, live, in a 3-node graph', async ({
  app,
}) => {
  const { page, inspector } = await appAndInspector(app);
  // Marks this document: if the inspector reloaded to show the updates, the mark would be gone.
  await inspector.evaluate(() => document.documentElement.setAttribute('data-no-reload', 'yes'));
  await expect(table(inspector).getByText('No work is stored.')).toBeVisible();

  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });

  await expect
    .poll(async () => sorted(await rows(inspector)), { timeout: 20_000 })
    .toEqual([
      ['blur', 'SUCCEEDED', '1'],
      ['cleanup', 'SUCCEEDED', '1'],
      ['save', 'SUCCEEDED', '1'],
    ]);
  await expect(inspector.locator('html')).toHaveAttribute('data-no-reload', 'yes');
  await expect(inspector.getByRole('log', { name: 'Latest changes' })).toContainText('SUCCEEDED');

  await expect(graph(inspector)).toHaveAccessibleName('Chain graph: 3 works, 2 dependencies');
  await expect(graph(inspector).getByRole('link')).toHaveCount(3);
  await expect(graph(inspector).locator('[data-edge]')).toHaveCount(2);
  for (const worker of ['cleanup', 'blur', 'save']) {
    await expect(
      graph(inspector).getByRole('link', { name: new RegExp(`^${worker} \\w+: SUCCEEDED$`) }),
    ).toBeVisible();
  }
});

test('the details pane shows a work’s resolved input, output and links to its neighbours', async ({
  app,
}) => {
  const { page, inspector } = await appAndInspector(app);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await rowLink(inspector, 'save', 'SUCCEEDED').click();

  const details = inspector.getByRole('region', { name: 'Details' });
  const field = (name: string) => details.locator('dt', { hasText: name }).locator('+ dd');
  await expect(field('Worker')).toHaveText('save');
  // The save's own input has the file name; the blur's output (tmp, width, height) merged in.
  const resolved = JSON.parse(
    await field('Input, as resolved when it ran').locator('pre').innerText(),
  );
  expect(resolved).toMatchObject({ savedName: expect.stringMatching(/^Blurred Image /) });
  expect(resolved.tmp).toMatch(/\.jpg$/);
  expect(JSON.parse(await field('Output').innerText())).toMatchObject({
    fileUrl: expect.stringMatching(/^\/files\/saved\//),
  });
  await expect(field('Backoff')).toHaveText('exponential, 30 s');
  await expect(field('Dependents')).toHaveText('none');
  await field('Prerequisites')
    .getByRole('link', { name: /^blur \w+ \(SUCCEEDED\)$/ })
    .click();
  await expect(field('Worker')).toHaveText('blur');
  await expect(field('Constraints')).toHaveText('battery not low');
  await expect(graph(inspector).getByRole('link', { name: /^blur / })).toHaveAttribute(
    'aria-current',
    'true',
  );
});

test('cancelling from the inspector puts the app’s screen back to Default', async ({ app }) => {
  const { page, inspector } = await appAndInspector(app);
  await page.getByLabel(/Slow motion/).check();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'Cancel Work' })).toBeVisible();

  await rowLink(inspector, 'cleanup', 'RUNNING').click();
  await inspector.getByRole('button', { name: 'Cancel work', exact: true }).click();
  await expect(inspector.getByRole('status')).toContainText('Cancelled work');

  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel Work' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'See File' })).toBeHidden();
  await expect(page.getByRole('progressbar')).toBeHidden();
  await expect
    .poll(async () => sorted(await rows(inspector)).map(([w, s]) => [w, s]))
    .toEqual([
      ['blur', 'CANCELLED'],
      ['cleanup', 'CANCELLED'],
      ['save', 'CANCELLED'],
    ]);
});

test('cancel by unique name and by tag act on the whole chain', async ({ app }) => {
  const { page, inspector } = await appAndInspector(app);
  await page.getByLabel(/Slow motion/).check();
  await page.getByRole('button', { name: 'Start' }).click();
  await rowLink(inspector, 'save', 'BLOCKED').click();
  await inspector.getByRole('button', { name: 'Cancel work tagged “OUTPUT”' }).click();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  // Only the save is tagged OUTPUT: the cleanup and blur before it go on.
  await expect
    .poll(async () => sorted(await rows(inspector))[2]?.slice(0, 2))
    .toEqual(['save', 'CANCELLED']);

  await page.getByRole('button', { name: 'Start' }).click();
  // The first chain may still be running: wait until "replace" has swapped it for the new one.
  await expect
    .poll(async () => sorted(await rows(inspector)))
    .toEqual([
      ['blur', 'BLOCKED', '0'],
      ['cleanup', 'RUNNING', '1'],
      ['save', 'BLOCKED', '0'],
    ]);
  await rowLink(inspector, 'cleanup', 'RUNNING').click();
  await inspector
    .getByRole('button', { name: 'Cancel unique work “image_manipulation_work”' })
    .click();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  const unfinished = (await rows(inspector)).filter(([, s]) => /ENQUEUED|RUNNING|BLOCKED/.test(s));
  expect(unfinished).toEqual([]);
});

test('retry of a failed blur re-runs blur and save', async ({ app }) => {
  test.setTimeout(120_000);
  const { page, inspector } = await appAndInspector(app);
  await chooseBroken(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('alert')).toContainText(/failed/, { timeout: 30_000 });
  await expect
    .poll(async () => sorted(await rows(inspector)))
    .toEqual([
      ['blur', 'FAILED', '1'],
      ['cleanup', 'SUCCEEDED', '1'],
      ['save', 'FAILED', '0'],
    ]);

  // The save never ran: its details name the blur as the cause and offer no retry of its own.
  await rowLink(inspector, 'save', 'FAILED').click();
  const details = inspector.getByRole('region', { name: 'Details' });
  await expect(details).toContainText('it failed because');
  await expect(details.getByRole('button', { name: /^Retry/ })).toHaveCount(0);
  await details
    .getByRole('group', { name: 'Actions on this work' })
    .getByRole('link', { name: /^blur \w+ \(FAILED\)$/ })
    .click();

  // Mend the stored input the blur read (its name is in the resolved input), then retry.
  const input = JSON.parse(
    await details.locator('dt', { hasText: 'Input, as resolved' }).locator('+ dd pre').innerText(),
  );
  expect(input.file).toMatch(/broken\.jpg$/);
  await page.evaluate(
    async ({ name, bytes }) => {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('inputs');
      const writable = await (await dir.getFileHandle(name)).createWritable();
      await writable.write(new Uint8Array(bytes));
      await writable.close();
    },
    { name: input.file as string, bytes: [...sample] },
  );
  await details.getByRole('button', { name: 'Retry work and its failed dependents' }).click();
  await expect(inspector.getByRole('status')).toContainText(
    /Retried blur \w+ as \w+, with 1 dependent/,
  );
  await expect(inspector.getByRole('heading', { name: 'Details' })).toBeFocused();

  await expect
    .poll(async () => sorted(await rows(inspector)), { timeout: 60_000 })
    .toEqual([
      ['blur', 'FAILED', '1'],
      ['blur', 'SUCCEEDED', '1'],
      ['cleanup', 'SUCCEEDED', '1'],
      ['save', 'FAILED', '0'],
      ['save', 'SUCCEEDED', '1'],
    ]);
  await expect(graph(inspector)).toHaveAccessibleName('Chain graph: 2 works, 1 dependency');
  const saved = rowLink(inspector, 'save', 'SUCCEEDED');
  await saved.click();
  const output = await details
    .locator('dt', { hasText: /^Output$/ })
    .locator('+ dd')
    .innerText();
  // Saved files are served by the service worker: fetch through the page, not the test's client.
  const type = await page.evaluate(
    async (url) => (await fetch(url)).headers.get('content-type'),
    JSON.parse(output).fileUrl as string,
  );
  expect(type).toContain('image/jpeg');
});

test('filters by state, tag and unique name, prunes and exports everything as JSON', async ({
  app,
}) => {
  const { page, inspector } = await appAndInspector(app);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => (await rows(inspector)).length).toBe(3);

  await inspector.getByLabel('Tag').selectOption('OUTPUT');
  await expect.poll(async () => (await rows(inspector)).map(([w]) => w)).toEqual(['save']);
  await inspector.getByLabel('Tag').selectOption('');
  await inspector.getByLabel('State').selectOption('FAILED');
  await expect(table(inspector).getByText('No work matches these filters.')).toBeVisible();
  await inspector.getByLabel('State').selectOption('');
  await inspector.getByLabel('Unique name').selectOption('image_manipulation_work');
  await expect.poll(async () => (await rows(inspector)).length).toBe(3);
  await inspector.getByLabel('Sort by time').selectOption('finishedAt:oldest');
  await expect
    .poll(async () => (await rows(inspector)).map(([w]) => w))
    .toEqual(['cleanup', 'blur', 'save']);
  await expect(table(inspector).getByRole('columnheader', { name: 'Finished' })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );

  const download = inspector.waitForEvent('download');
  await inspector.getByRole('button', { name: 'Export as JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^work-blur-o-matic-.*\.json$/);
  const doc = JSON.parse(readFileSync(await file.path(), 'utf8'));
  expect(doc.works.map((w: { workerName: string }) => w.workerName).sort()).toEqual([
    'blur',
    'cleanup',
    'save',
  ]);

  await inspector.getByRole('button', { name: 'Prune finished work' }).click();
  await expect(inspector.getByRole('status')).toHaveText('Pruned 3 finished works.');
  await expect(table(inspector).getByText(/No work/)).toBeVisible();
});

/** Presses Tab until `target` has focus; fails if it is not reached. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('keyboard only: choose a work from the table and the graph, act, and export', async ({
  app,
}) => {
  const { page, inspector } = await appAndInspector(app);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => (await rows(inspector)).length).toBe(3);

  await inspector.keyboard.press('Tab');
  await tabTo(inspector, rowLink(inspector, 'blur', 'SUCCEEDED'));
  await inspector.keyboard.press('Enter');
  const details = inspector.getByRole('region', { name: 'Details' });
  await expect(inspector.getByRole('heading', { name: 'Details' })).toBeFocused();
  await expect(details.locator('dt', { hasText: 'Worker' }).locator('+ dd')).toHaveText('blur');

  await tabTo(inspector, graph(inspector).getByRole('link', { name: /^save / }));
  await inspector.keyboard.press('Enter');
  await expect(details.locator('dt', { hasText: 'Worker' }).locator('+ dd')).toHaveText('save');

  await tabTo(inspector, inspector.getByRole('button', { name: 'Export as JSON' }));
  const download = inspector.waitForEvent('download');
  await inspector.keyboard.press('Enter');
  await download;
  await expect(inspector.getByRole('status')).toContainText('Exported 3 works');
});

test('axe-core finds nothing wrong, in a wide and a 320 px window, in both colour schemes', async ({
  app,
}) => {
  const { page, inspector } = await appAndInspector(app);
  await chooseBroken(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect.poll(async () => (await rows(inspector)).length, { timeout: 30_000 }).toBe(3);
  await expect
    .poll(async () => (await rows(inspector)).filter(([, s]) => s === 'FAILED').length)
    .toBe(2);
  await rowLink(inspector, 'blur', 'FAILED').click();
  for (const colorScheme of ['light', 'dark'] as const) {
    // Transitions off: a button's or the selected row's background fades for 150 ms after the
    // scheme changes, and axe read one half-way once ("color-contrast" on them, passed on retry).
    await inspector.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    for (const width of [1100, 320]) {
      await inspector.setViewportSize({ width, height: 800 });
      const results = await new AxeBuilder({ page: inspector }).analyze();
      expect(
        results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`),
      ).toEqual([]);
      // Nothing but the table's own scrolling region is wider than the window.
      const overflow = await inspector.evaluate(() => document.documentElement.scrollWidth);
      expect(overflow).toBeLessThanOrEqual(width);
    }
  }
});

test('the inspector works offline, from the precache', async ({ app }) => {
  const { page, inspector } = await appAndInspector(app);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await app.setOffline(true);
  await inspector.reload();
  await expect.poll(async () => (await rows(inspector)).length).toBe(3);
  await expect(graph(inspector).getByRole('link')).toHaveCount(3);
});
