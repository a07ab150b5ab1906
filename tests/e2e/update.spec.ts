import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, launchApp, openApp, test } from './fixtures';
import { startStaticServer } from './staticServer';

test('a waiting new build offers "Reload to update", and reloading runs the new build', async () => {
  const server = await startStaticServer(resolve('dist'));
  const { context } = await launchApp({ baseURL: server.origin });
  try {
    const page = await openApp(context);
    const oldBuild = await page.locator('#build-id').textContent();
    server.serve(resolve('dist-e2e'));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    const reload = page.getByRole('button', { name: 'Reload to update' });
    await expect(reload).toBeVisible();
    await reload.click();
    await expect(page.locator('#build-id')).not.toHaveText(oldBuild ?? '');
    await expect(page.getByRole('button', { name: 'Reload to update' })).toBeHidden();
  } finally {
    await context.close();
    await server.close();
  }
});

test('work queued and running survives an update and completes once; an old tab keeps its assets', async () => {
  test.setTimeout(120_000);
  const server = await startStaticServer(resolve('dist'));
  const { context } = await launchApp({ baseURL: server.origin });
  try {
    const page = await openApp(context);
    const oldTab = await context.newPage();
    await oldTab.goto('/');
    const oldAssets = await oldTab.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith('/assets/') && p.endsWith('.js')),
    );
    await page.getByLabel(/Slow motion/).check();
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('status')).toHaveText(/Blurring image/, { timeout: 20_000 });

    server.serve(resolve('dist-e2e'));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByRole('button', { name: 'Reload to update' }).click();
    await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
    const saved = page.getByRole('list', { name: 'Saved images' }).getByRole('listitem');
    await expect(saved).toHaveCount(1);

    // The old tab, not reloaded, is controlled by the new worker yet still gets its own chunks,
    // although the server now has only the new build.
    for (const asset of oldAssets) {
      expect(await oldTab.evaluate(async (p) => (await fetch(p)).status, asset), asset).toBe(200);
    }
    const gone = oldAssets.find((a) => !existsSync(resolve('dist-e2e') + a));
    expect(gone, 'at least one old chunk is not in the new build').toBeDefined();
  } finally {
    await context.close();
    await server.close();
  }
});
