// Renders the install sheet's screenshots (manifest `screenshots`) from the production build:
// the app after a blur, wide (desktop) and narrow (phone). Run `npm run build` first.
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, startPreview } from './chromium.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = 4573;
let ORIGIN = '';

async function shoot(viewport, file) {
  const dir = mkdtempSync(join(tmpdir(), 'bom-shot-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(ORIGIN);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.getByRole('radio', { name: 'More blurred' }).check();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'See File' }).waitFor({ timeout: 60_000 });
    await page
      .getByRole('list', { name: 'Saved images' })
      .getByRole('img')
      .first()
      .evaluate((img) => img.decode());
    await page.screenshot({ path: file, type: 'jpeg', quality: 80 });
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const server = await startPreview(PORT);
ORIGIN = server.origin;
try {
  await shoot({ width: 1280, height: 800 }, 'public/screenshots/wide.jpg');
  await shoot({ width: 412, height: 915 }, 'public/screenshots/narrow.jpg');
  console.log('wrote public/screenshots/wide.jpg and narrow.jpg');
} finally {
  server.stop();
}
