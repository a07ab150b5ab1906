import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, expect, PROD_URL, test } from './fixtures';

/** Lighthouse 12 (13 needs Node 22) against the production build, in Debian's Chromium. */
for (const path of ['/', '/inspector']) {
  test(`Lighthouse: accessibility and best practices ≥ 95 on ${path}`, async () => {
    test.setTimeout(120_000);
    const userDataDir = mkdtempSync(join(tmpdir(), 'bom-lh-'));
    const chrome = await launch({
      chromePath: CHROMIUM,
      userDataDir,
      chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
    });
    try {
      const result = await lighthouse(PROD_URL + path, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['accessibility', 'best-practices'],
      });
      const categories = result!.lhr.categories;
      const scores = {
        accessibility: Math.round((categories.accessibility.score ?? 0) * 100),
        bestPractices: Math.round((categories['best-practices'].score ?? 0) * 100),
      };
      const failing = Object.values(result!.lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
        .map((a) => a.id);
      console.log(
        `Lighthouse ${result!.lhr.lighthouseVersion} ${path}: accessibility ${scores.accessibility}, best practices ${scores.bestPractices}; failing audits: ${failing.join(', ') || 'none'}`,
      );
      expect(scores.accessibility).toBeGreaterThanOrEqual(95);
      expect(scores.bestPractices).toBeGreaterThanOrEqual(95);
    } finally {
      chrome.kill();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });
}
