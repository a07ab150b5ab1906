import {
  test as base,
  chromium,
  type BrowserContext,
  type Page,
  type Worker,
} from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { E2E_URL, PROD_URL } from './ports';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS, E2E_URL, PROD_URL };

export interface LaunchOptions {
  permissions?: string[];
  userDataDir?: string;
  baseURL?: string;
}

/** A persistent context in a fresh profile (ordinary contexts count as incognito). */
export async function launchApp(
  options: LaunchOptions = {},
): Promise<{ context: BrowserContext; userDataDir: string }> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'bom-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    baseURL: options.baseURL ?? PROD_URL,
    permissions: options.permissions ?? [],
    viewport: { width: 1100, height: 900 },
  });
  return { context, userDataDir };
}

/** The app's service worker, once it has started. */
export async function serviceWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

/** Opens the app and waits until its service worker controls the page. */
export async function openApp(context: BrowserContext, path = '/'): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(path);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
  return page;
}

interface Fixtures {
  app: BrowserContext;
  appPermissions: string[];
  appBaseURL: string;
}

/**
 * Keeps every console message of the context's pages, their workers and service workers (the
 * e2e build logs the scheduler's decisions there), stamped with the time since the start.
 */
export function recordConsole(context: BrowserContext): string[] {
  const lines: string[] = [];
  const t0 = Date.now();
  const add = (where: string, text: string) =>
    lines.push(`${((Date.now() - t0) / 1000).toFixed(3)} ${where} ${text}`);
  context.on('console', (m) => add(m.worker() ? 'worker' : 'page', m.text()));
  context.on('page', (p) => {
    p.on('close', () => add('test', `page closed: ${p.url()}`));
    p.on('load', () => add('test', `page loaded: ${p.url()}`));
  });
  return lines;
}

export const test = base.extend<Fixtures>({
  appPermissions: [[], { option: true }],
  appBaseURL: [PROD_URL, { option: true }],
  app: async ({ appPermissions, appBaseURL }, use, testInfo) => {
    const { context, userDataDir } = await launchApp({
      permissions: appPermissions,
      baseURL: appBaseURL,
    });
    const log = recordConsole(context);
    await use(context);
    if (testInfo.status !== testInfo.expectedStatus) {
      const path = testInfo.outputPath('console.txt');
      writeFileSync(path, log.join('\n'));
      await testInfo.attach('console', { path, contentType: 'text/plain' });
    }
    await context.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
