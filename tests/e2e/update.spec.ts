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
