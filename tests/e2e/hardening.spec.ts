import { expect, openApp, PROD_URL, test } from './fixtures';

test('with storage full, saving fails with the space it needs; nothing is lost; freed space lets it succeed', async ({
  app,
}) => {
  const page = await openApp(app);
  const saved = page.getByRole('list', { name: 'Saved images' }).getByRole('listitem');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(saved).toHaveCount(1, { timeout: 60_000 });
  const firstUrl = await saved.getByRole('link', { name: /^View / }).getAttribute('href');

  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await app.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: PROD_URL,
    quotaSize: usage + 2 * 1024 * 1024,
  });
  await page.getByRole('button', { name: 'Start' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Not enough storage', { timeout: 60_000 });
  await expect(alert).toContainText(/needs \d+(\.\d)? MB but only .* is free/);
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();

  // The saved image and the records of the failed chain are intact.
  await expect(saved).toHaveCount(1);
  expect(await page.evaluate(async (u) => (await fetch(u!)).status, firstUrl)).toBe(200);

  await cdp.send('Storage.overrideQuotaForOrigin', { origin: PROD_URL });
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(saved).toHaveCount(2, { timeout: 60_000 });
  await expect(alert).toBeEmpty();
});
