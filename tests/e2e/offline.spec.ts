import { expect, launchApp, openApp, test } from './fixtures';

test('a cold start offline serves the app, its saved images and the inspector', async () => {
  const first = await launchApp();
  const page = await openApp(first.context);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await first.context.close();

  // The same profile, a new browser process, and no network from the first request on.
  const { context } = await launchApp({ userDataDir: first.userDataDir });
  try {
    const cold = context.pages()[0] ?? (await context.newPage());
    await context.setOffline(true);
    await cold.goto('/');
    await expect(cold.getByRole('heading', { name: 'Blur-O-Matic' })).toBeVisible();
    await expect(cold.getByRole('button', { name: 'Start' })).toBeEnabled();
    const item = cold.getByRole('list', { name: 'Saved images' }).getByRole('listitem');
    await expect(item).toHaveCount(1);
    const href = (await item.getByRole('link', { name: /^View / }).getAttribute('href'))!;
    expect(
      await cold.evaluate(async (u) => (await fetch(u)).headers.get('content-type'), href),
    ).toBe('image/jpeg');
    await expect(item.getByRole('img')).toHaveJSProperty('complete', true);
    expect(
      await item.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);
    await cold.goto('/inspector');
    await expect(cold.getByRole('table', { name: /^All work/ })).toBeVisible();
    await expect(cold.getByRole('cell', { name: 'save', exact: true })).toBeVisible();
    // And work still runs offline: the sample comes from the precache.
    await cold.goto('/');
    await cold.getByRole('button', { name: 'Start' }).click();
    await expect(item).toHaveCount(2, { timeout: 60_000 });
  } finally {
    await context.close();
  }
});
