import { expect, openApp, PROD_URL, test } from './fixtures';

test('with storage full, saving fails with the space it needs; nothing is lost; freed space lets it succeed', async ({
  app,
}) => {
  const page = await openApp(app);
  const saved = page.getByRole('list', { name: 'Saved images' }).getByRole('listitem');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(saved).toHaveCount(1, { timeout: 60_000 });
  const firstUrl = await saved.getByRole('link', { name: /^View / }).getAttribute('href');

  // The blur step writes a JPEG of about the saved one's size (the same image, level and
  // quality): leave half that free, enough for the chain's records but not for the file.
  const { usage, savedBytes } = await page.evaluate(async (url) => {
    const savedBytes = (await (await fetch(url!)).blob()).size;
    return { usage: (await navigator.storage.estimate()).usage ?? 0, savedBytes };
  }, firstUrl);
  expect(savedBytes).toBeGreaterThan(20_000);
  const cdp = await app.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: PROD_URL,
    quotaSize: usage + Math.round(savedBytes / 2),
  });
  await page.getByRole('button', { name: 'Start' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Not enough storage', { timeout: 60_000 });
  await expect(alert).toContainText(/needs \d+(\.\d)? [KM]B but only .* is free/);
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();

  // The saved image and the records of the failed chain are intact.
  await expect(saved).toHaveCount(1);
  expect(await page.evaluate(async (u) => (await fetch(u!)).status, firstUrl)).toBe(200);

  await cdp.send('Storage.overrideQuotaForOrigin', { origin: PROD_URL });
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(saved).toHaveCount(2, { timeout: 60_000 });
  await expect(alert).toBeEmpty();
});
