// Debian's Chromium, headless, with the flags this machine needs (see chromium.mjs). Apart from
// chromium.mjs so that the modules importing that one (vitest.config.ts) do not load Playwright.
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

/** Launches a headless browser for scripts and benches (not the tests: they have their config). */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
