import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

async function expectNoViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe violations in ${label}`).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no violations in any view (${scheme})`, async ({ app }) => {
    const page = await openApp(app);
    // Transitions off, so that axe reads settled colours and not a button's background half-way
    // through its 150 ms fade to the new scheme (it did once in the inspector's axe test).
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await expectNoViolations(page, 'Default');
    await page.getByLabel(/Slow motion/).check();
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('button', { name: 'Cancel Work' })).toBeVisible();
    await expectNoViolations(page, 'Loading');
    await page.getByLabel(/Slow motion/).uncheck();
    await page.getByRole('button', { name: 'Cancel Work' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
    await expect(
      page.getByRole('list', { name: 'Saved images' }).getByRole('listitem'),
    ).toHaveCount(1);
    await expectNoViolations(page, 'Complete with a saved image');
    await page
      .getByLabel('Choose image')
      .setInputFiles({ name: 'bad.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('nope') });
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('alert')).not.toBeEmpty({ timeout: 30_000 });
    await expectNoViolations(page, 'Failure alert');
    await page.goto('/inspector');
    await expect(page.getByRole('heading', { name: 'Work inspector' })).toBeVisible();
    await expectNoViolations(page, 'Work inspector');
  });
}

test('the whole flow works with the keyboard alone, and steps are announced', async ({ app }) => {
  const page = await openApp(app);
  const focusName = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.id) : '';
    });
  // Tab to the radios, pick "More blurred" with the arrow key, then Tab to Start and press Enter.
  for (
    let i = 0;
    i < 30 &&
    !(await page
      .getByRole('radio', { name: 'A little blurred' })
      .evaluate((el) => el === document.activeElement));
    i++
  ) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: 'More blurred' })).toBeChecked();
  for (let i = 0; i < 10 && (await focusName()) !== 'Start'; i++) await page.keyboard.press('Tab');
  expect(await focusName()).toBe('Start');
  await page.keyboard.press('Enter');
  const status = page.getByRole('status');
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await expect(status).toHaveText(/^Done: saved/);
  await page.getByRole('button', { name: 'See File' }).focus();
  const popup = page.waitForEvent('popup');
  await page.keyboard.press('Enter');
  await (await popup).waitForLoadState();
  // Delete the saved image from the keyboard.
  const del = page.getByRole('button', { name: /^Delete / });
  await del.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('list', { name: 'Saved images' }).getByRole('listitem')).toHaveCount(
    0,
  );
});

test('usable at 320 px wide and at 200% zoom: nothing scrolls sideways', async ({ app }) => {
  const page = await openApp(app);
  for (const viewport of [
    { width: 320, height: 640 },
    { width: 640, height: 450 },
  ]) {
    // 640×450 CSS px is a 1280×900 window at 200% zoom.
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow at ${viewport.width} px`).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Start' }).scrollIntoViewIfNeeded();
    await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  }
});

test('reduced motion turns transitions off', async ({ app }) => {
  const page = await openApp(app);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const transition = await page
    .getByRole('button', { name: 'Start' })
    .evaluate((el) => getComputedStyle(el).transitionDuration);
  expect(transition).toBe('0s');
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  const animated = await page
    .getByRole('button', { name: 'Start' })
    .evaluate((el) => getComputedStyle(el).transitionDuration);
  expect(animated).not.toBe('0s');
});
