import { readFileSync } from 'node:fs';
import { badFilesFromJpeg } from '../fuzz/badImages';
import { expect, openApp, test } from './fixtures';

const sample = new Uint8Array(readFileSync('public/sample.jpg'));

test('20 bad files through the whole app: each blur fails with a clear error, and the app stays usable', async ({
  app,
}) => {
  const bad = badFilesFromJpeg(sample, 20);
  const page = await openApp(app);
  await page
    .getByLabel('Choose image')
    .setInputFiles(
      bad.map((f) => ({ name: f.name, mimeType: f.type, buffer: Buffer.from(f.bytes) })),
    );
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('alert')).toContainText('Blurring image failed', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();

  // Every blur of the chain failed on its own, each with a reason a person can read.
  const inspector = await app.newPage();
  await inspector.goto('/inspector');
  const table = inspector.getByRole('table', { name: /^All work/ });
  const failedBlurs = table
    .getByRole('row')
    .filter({ has: inspector.getByRole('cell', { name: 'blur', exact: true }) })
    .filter({ has: inspector.getByRole('cell', { name: 'FAILED', exact: true }) });
  await expect(failedBlurs).toHaveCount(20);
  const reasons = await failedBlurs.evaluateAll((rows) =>
    rows.map((r) => r.lastElementChild?.textContent ?? ''),
  );
  for (const reason of reasons)
    expect(reason).toMatch(/empty|not an image|damaged|above the limit/i);
  await inspector.close();

  // Still usable: a good image goes through.
  await page
    .getByLabel('Choose image')
    .setInputFiles({ name: 'good.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(sample) });
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('alert')).toBeEmpty();
});
