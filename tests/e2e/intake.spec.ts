import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

const sampleBase64 = readFileSync('public/sample.jpg').toString('base64');

/** Makes a File inside the page from base64 bytes. */
function fileScript(name: string, type: string, base64: string): string {
  return `new File([Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0))], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} })`;
}

async function dispatchDrop(page: Page, name: string, type: string, base64: string): Promise<void> {
  await page.evaluate(`(() => {
    const dt = new DataTransfer();
    dt.items.add(${fileScript(name, type, base64)});
    const target = document.querySelector('main');
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  })()`);
}

test('dropping an image chooses it; dropping a non-image says so and changes nothing', async ({
  app,
}) => {
  const page = await openApp(app);
  await dispatchDrop(page, 'dropped.jpg', 'image/jpeg', sampleBase64);
  await expect(page.getByText('1 image chosen: dropped.jpg')).toBeVisible();
  await expect(page.getByRole('img', { name: 'The image to blur and save.' })).toHaveAttribute(
    'src',
    /^blob:/,
  );
  await dispatchDrop(page, 'notes.txt', 'text/plain', Buffer.from('hello').toString('base64'));
  await expect(page.getByRole('alert')).toHaveText(/“notes.txt” is not an image/);
  await expect(page.getByText('1 image chosen: dropped.jpg')).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
});

test('pasting an image chooses it', async ({ app }) => {
  const page = await openApp(app);
  await page.evaluate(`(() => {
    const dt = new DataTransfer();
    dt.items.add(${fileScript('pasted.jpg', 'image/jpeg', sampleBase64)});
    document.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
  })()`);
  await expect(page.getByText('1 image chosen: pasted.jpg')).toBeVisible();
});

test('an image opened with the installed app (launchQueue) is chosen', async ({ app }) => {
  // Headless Chromium has no installed app to launch files into: stand in for launchQueue and
  // hand its consumer a file handle, as File Handling would.
  await app.addInitScript(() => {
    const holder: { consumer?: (params: unknown) => void } = {};
    Object.defineProperty(window, 'launchQueue', {
      value: { setConsumer: (c: (params: unknown) => void) => (holder.consumer = c) },
    });
    Object.defineProperty(window, '__launch', { value: holder });
  });
  const page = await openApp(app);
  await page.evaluate(`(() => {
    const file = ${fileScript('opened.jpg', 'image/jpeg', sampleBase64)};
    window.__launch.consumer({ files: [{ getFile: async () => file }] });
  })()`);
  await expect(page.getByText('1 image chosen: opened.jpg')).toBeVisible();
});

async function shareByForm(page: Page, name: string, type: string, base64: string): Promise<void> {
  await page.evaluate(`(() => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = '/share-target';
    form.enctype = 'multipart/form-data';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'images';
    const dt = new DataTransfer();
    dt.items.add(${fileScript(name, type, base64)});
    input.files = dt.files;
    form.append(input);
    document.body.append(form);
    form.submit();
  })()`);
}

test('a photo shared to the app is queued by the service worker and blurred, offline too', async ({
  app,
}) => {
  const page = await openApp(app);
  await app.setOffline(true);
  await shareByForm(page, 'shared.jpg', 'image/jpeg', sampleBase64);
  await page.waitForURL((url) => url.pathname === '/' && !url.search);
  await expect(page.getByText('1 shared image queued.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'See File' })).toBeVisible({ timeout: 60_000 });
});

test('sharing something that is not an image is refused with a message', async ({ app }) => {
  const page = await openApp(app);
  await shareByForm(page, 'notes.txt', 'text/plain', Buffer.from('hello').toString('base64'));
  await expect(page.getByRole('alert')).toHaveText('“notes.txt” is not an image.');
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Saved images' }).getByRole('listitem')).toHaveCount(
    0,
  );
});
