import { expect, openApp, PROD_URL, serviceWorker, test } from './fixtures';
import { measureImage } from './imageMetrics';

test('the page shows the app’s visible contract', async ({ app }) => {
  const page = await openApp(app);
  await expect(page.getByRole('heading', { name: 'Blur-O-Matic', level: 1 })).toBeVisible();
  await expect(page.getByRole('img', { name: 'The image to blur and save.' })).toBeVisible();
  await expect(page.getByLabel('Choose image')).toHaveAttribute('type', 'file');
  const group = page.getByRole('group', { name: 'Select Blur Amount' });
  await expect(group.getByRole('radio', { name: 'A little blurred' })).toBeChecked();
  await expect(group.getByRole('radio', { name: 'More blurred' })).not.toBeChecked();
  await expect(group.getByRole('radio', { name: 'The most blurred' })).not.toBeChecked();
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
  await expect(page.getByRole('link', { name: 'Work inspector' })).toHaveAttribute(
    'href',
    '/inspector',
  );
  await expect(page.getByRole('list', { name: 'Saved images' })).toBeAttached();
});

test('Start blurs the sample in the background and See File opens the result', async ({ app }) => {
  const page = await openApp(app);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  const url = await page.getByRole('button', { name: 'See File' }).getAttribute('data-url');
  expect(url).toMatch(/^\/files\/saved\/Blurred%20Image%20/);
  const [source, result] = [
    await measureImage(page, '/sample.jpg'),
    await measureImage(page, url!),
  ];
  expect(result.type).toBe('image/jpeg');
  expect([result.width, result.height]).toEqual([source.width, source.height]);
  expect(result.meanGradient).toBeLessThanOrEqual(0.7 * source.meanGradient);

  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'See File' }).click();
  const viewer = await popup;
  await viewer.waitForLoadState();
  expect(viewer.url()).toContain(url!);
  expect(await viewer.evaluate(() => document.contentType)).toBe('image/jpeg');
});

test('a reload while offline still serves the app', async ({ app }) => {
  const page = await openApp(app);
  await app.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Blur-O-Matic' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'The image to blur and save.' })).toHaveJSProperty(
    'complete',
    true,
  );
  expect(
    await page
      .getByRole('img', { name: 'The image to blur and save.' })
      .evaluate((img: HTMLImageElement) => img.naturalWidth),
  ).toBeGreaterThan(0);
  await page.goto('/inspector');
  await expect(page.getByRole('heading', { name: 'Work inspector' })).toBeVisible();
});

test('the app is installable', async ({ app }) => {
  const page = await openApp(app);
  const cdp = await app.newCDPSession(page);
  await expect
    .poll(async () => {
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: { errorId: string }[];
      };
      return installabilityErrors.map((e) => e.errorId);
    })
    .toEqual([]);
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  expect(manifest).toMatchObject({
    id: '/',
    name: 'Blur-O-Matic',
    display: 'standalone',
    start_url: '/',
  });
});

test.describe('with notifications granted', () => {
  test.use({ appPermissions: ['notifications'] });

  test('a notification with "See File" is shown when the job is done', async ({ app }) => {
    const page = await openApp(app);
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
    const sw = await serviceWorker(app);
    await expect
      .poll(() =>
        sw.evaluate(async () =>
          (
            await (
              self as unknown as { registration: ServiceWorkerRegistration }
            ).registration.getNotifications()
          ).map((n) => ({
            title: n.title,
            body: n.body,
            actions: (n as unknown as { actions: { action: string; title: string }[] }).actions.map(
              (a) => a.title,
            ),
          })),
        ),
      )
      .toEqual([expect.objectContaining({ title: 'Image saved', actions: ['See File'] })]);
  });
});

test('no request leaves the app’s origin and every response carries the CSP', async ({ app }) => {
  const foreign: string[] = [];
  const missingCsp: string[] = [];
  let fromServiceWorker = 0;
  app.on('request', (request) => {
    if (request.serviceWorker()) fromServiceWorker++;
    const url = new URL(request.url());
    if (!['http:', 'https:'].includes(url.protocol)) return;
    if (url.origin !== PROD_URL) foreign.push(request.url());
  });
  app.on('response', (response) => {
    const url = new URL(response.url());
    if (response.fromServiceWorker() || url.origin !== PROD_URL) return;
    if (!response.headers()['content-security-policy']) missingCsp.push(response.url());
  });
  const violations: string[] = [];
  app.on('console', (message) => {
    if (/Content Security Policy|Trusted Type/i.test(message.text()))
      violations.push(message.text());
  });
  await app.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  const page = await openApp(app);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
  await page.reload();
  await page.goto('/inspector');
  await expect(page.getByRole('table', { name: /^All work/ })).toBeVisible();
  expect(violations).toEqual([]);
  expect(foreign).toEqual([]);
  // The service worker's own requests (its precache) were watched too.
  expect(fromServiceWorker).toBeGreaterThan(0);
  expect(missingCsp).toEqual([]);
  const response = await page.request.get('/');
  const csp = response.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toContain("require-trusted-types-for 'script'");
  // The default policy lets the app's own scripts through and nothing else.
  expect(
    await page.evaluate(() => {
      try {
        new Worker('https://example.com/evil.js');
        return 'created';
      } catch (error) {
        return (error as Error).name;
      }
    }),
  ).toBe('TypeError');
  expect(response.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  const sw = await page.request.get('/sw.js');
  expect(sw.headers()['content-security-policy']).toBe(csp);
});
