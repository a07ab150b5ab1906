import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, openApp, serviceWorker, test } from './fixtures';
import { measureImage } from './imageMetrics';

const sample = readFileSync('public/sample.jpg');
const LEVELS = ['A little blurred', 'More blurred', 'The most blurred'] as const;

async function start(
  page: Page,
  options: { level?: (typeof LEVELS)[number]; slow?: boolean } = {},
): Promise<void> {
  if (options.level) await page.getByRole('radio', { name: options.level }).check();
  if (options.slow) await page.getByLabel(/Slow motion/).check();
  await page.getByRole('button', { name: 'Start' }).click();
}

async function savedFileUrls(page: Page): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Saved images' })
    .getByRole('link', { name: /^View / })
    .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
}

test('each blur level saves a JPEG of the source’s size, smoother as the level rises', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const page = await openApp(app);
  const source = await measureImage(page, '/sample.jpg');
  const gradients: number[] = [];
  let previous: string | null = null;
  for (const level of LEVELS) {
    await start(page, { level });
    const seeFile = page.getByRole('button', { name: 'See File' });
    await expect(seeFile).toBeVisible({ timeout: 60_000 });
    if (previous) await expect(seeFile).not.toHaveAttribute('data-url', previous);
    const url = (await seeFile.getAttribute('data-url'))!;
    previous = url;
    const result = await measureImage(page, url);
    expect(result.type).toBe('image/jpeg');
    expect([result.width, result.height]).toEqual([source.width, source.height]);
    gradients.push(result.meanGradient);
  }
  expect(gradients[0]).toBeLessThanOrEqual(0.7 * source.meanGradient);
  expect(gradients[1]).toBeLessThan(gradients[0]);
  expect(gradients[2]).toBeLessThan(gradients[1]);
  await expect(page.getByRole('list', { name: 'Saved images' }).getByRole('listitem')).toHaveCount(
    3,
  );
});

test('Cancel Work in the middle of the chain returns to Default and saves nothing', async ({
  app,
}) => {
  const page = await openApp(app);
  await start(page, { slow: true });
  await expect(page.getByRole('status')).toHaveText(/Blurring image/, { timeout: 20_000 });
  await expect(page.getByRole('progressbar')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel Work' }).click();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel Work' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'See File' })).toBeHidden();
  await expect(page.getByRole('progressbar')).toBeHidden();
  await page.waitForTimeout(4000); // longer than a slow-motion step: nothing lands late
  expect(await savedFileUrls(page)).toEqual([]);
  expect(
    await page.evaluate(async () => {
      const dir = await (
        await navigator.storage.getDirectory()
      ).getDirectoryHandle('saved', { create: true });
      const names: string[] = [];
      for await (const name of dir.keys()) names.push(name);
      return names;
    }),
  ).toEqual([]);
});

test('a corrupt image fails with an alert, and Start works again', async ({ app }) => {
  const page = await openApp(app);
  await page.getByLabel('Choose image').setInputFiles({
    name: 'broken.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('this is not a JPEG at all'),
  });
  await start(page);
  await expect(page.getByRole('alert')).toContainText(/Blurring image failed/, { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await page
    .getByLabel('Choose image')
    .setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: sample });
  await start(page);
  await expect(page.getByRole('alert')).toBeEmpty();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
});

test('three files chosen at once give three saved images', async ({ app }) => {
  const page = await openApp(app);
  await page.getByLabel('Choose image').setInputFiles(
    ['one.jpg', 'two.jpg', 'three.jpg'].map((name) => ({
      name,
      mimeType: 'image/jpeg',
      buffer: sample,
    })),
  );
  await expect(page.getByText('3 images chosen')).toBeVisible();
  await start(page);
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('status')).toHaveText('Done: 3 images saved.');
  const urls = await savedFileUrls(page);
  expect(new Set(urls).size).toBe(3);
  for (const url of urls) expect((await measureImage(page, url)).type).toBe('image/jpeg');
});

test('a reload during the chain resumes in Loading and ends in Complete', async ({ app }) => {
  const page = await openApp(app);
  await start(page, { slow: true });
  await expect(page.getByRole('status')).toHaveText(/Blurring image/, { timeout: 20_000 });
  await page.reload();
  await expect(page.getByRole('button', { name: 'Cancel Work' })).toBeVisible();
  await expect(page.getByRole('progressbar')).toBeVisible();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  expect(await savedFileUrls(page)).toHaveLength(1);
});

test('the notification click logic opens the saved file’s URL, and nothing foreign', async ({
  app,
}) => {
  const page = await openApp(app);
  const sw = await serviceWorker(app);
  const opened = await sw.evaluate(async () => {
    const calls: string[] = [];
    const { handleNotificationClick } = (
      self as unknown as {
        blurOMatic: {
          handleNotificationClick: (
            data: unknown,
            action: string,
            seams: unknown,
          ) => Promise<string>;
        };
      }
    ).blurOMatic;
    const seams = {
      matchAll: () => Promise.resolve([]),
      openWindow: (url: string) => Promise.resolve(void calls.push(url)),
    };
    const file = '/files/saved/Blurred%20Image%202026-11-28%2014.05.09%20(3f2a).jpg';
    await handleNotificationClick({ url: file }, 'see-file', seams);
    await handleNotificationClick({ url: 'https://example.com/evil' }, 'see-file', seams);
    await handleNotificationClick({ url: '//example.com/evil' }, '', seams);
    return calls;
  });
  expect(opened).toEqual([
    '/files/saved/Blurred%20Image%202026-11-28%2014.05.09%20(3f2a).jpg',
    '/',
    '/',
  ]);
  await page.close();
});

test('Delete removes a saved image, and its URL then answers 404', async ({ app }) => {
  const page = await openApp(app);
  await start(page);
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  const [url] = await savedFileUrls(page);
  expect(await page.evaluate(async (u) => (await fetch(u)).status, url)).toBe(200);
  const item = page.getByRole('list', { name: 'Saved images' }).getByRole('listitem');
  await item.getByRole('button', { name: /^Delete / }).click();
  await expect(item).toHaveCount(0);
  expect(await page.evaluate(async (u) => (await fetch(u)).status, url)).toBe(404);
});
