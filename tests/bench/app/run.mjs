// Budgets of the app (issue 8), measured on the production build in headless Chromium:
// - the main page's JavaScript, gzip: every script the page loads up front (workers excluded);
// - from the service worker's cache, navigation → a handled Start click (median of 10).
// Prints figures and, last, one JSON line. Needs `npm run build` first.
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PORT = Number(process.env.BENCH_PORT ?? 4373);
const ORIGIN = `http://localhost:${PORT}`;
const RUNS = 10;

function mainPageScripts() {
  const html = readFileSync('dist/index.html', 'utf8');
  const srcs = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ];
  return [...new Set(srcs.map((m) => m[1]))];
}

function scriptBudget() {
  const files = mainPageScripts();
  const sizes = files.map((f) => {
    const bytes = readFileSync(join('dist', f));
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  for (const s of sizes)
    console.log(
      `  ${s.file}: ${(s.raw / 1024).toFixed(1)} KB, ${(s.gzip / 1024).toFixed(1)} KB gzip`,
    );
  return sizes.reduce((sum, s) => sum + s.gzip, 0);
}

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(ORIGIN)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vite preview did not start');
}

async function measureStartClicks() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'bom-bench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(ORIGIN);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(ORIGIN);
      const start = page.getByRole('button', { name: 'Start' });
      await start.click();
      const handle = await page.waitForFunction(
        () => performance.getEntriesByName('start-handled')[0]?.startTime,
      );
      const fromCache = await page.evaluate(
        () => performance.getEntriesByType('navigation')[0].workerStart > 0,
      );
      times.push(await handle.jsonValue());
      const phases = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
        return {
          response: nav.responseEnd,
          domContentLoaded: nav.domContentLoadedEventEnd,
          ready: mark('app-ready'),
          handled: mark('start-handled'),
        };
      });
      console.log(
        `  run ${i + 1}: response ${phases.response.toFixed(0)} ms, DOMContentLoaded ${phases.domContentLoaded.toFixed(0)} ms, app ready ${phases.ready.toFixed(0)} ms, Start handled ${phases.handled.toFixed(0)} ms`,
      );
      if (!fromCache) throw new Error('the navigation was not served by the service worker');
      await page.getByRole('button', { name: 'See File' }).waitFor({ timeout: 60_000 });
    }
    return times;
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`Browser: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}`);
console.log('Main page JavaScript (loaded up front):');
const gzipBytes = scriptBudget();
console.log(`  total: ${(gzipBytes / 1024).toFixed(1)} KB gzip (budget 40 KB)`);
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
  stdio: 'ignore',
  detached: true,
});
try {
  await waitForServer();
  const times = await measureStartClicks();
  console.log(
    `Navigation → handled Start click, from the service worker's cache (${RUNS} runs): ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
  );
  console.log(`  median: ${median(times).toFixed(0)} ms (budget 500 ms)`);
  console.log(
    JSON.stringify({
      main_js_gzip_kb: +(gzipBytes / 1024).toFixed(1),
      start_click_median_ms: +median(times).toFixed(0),
    }),
  );
} finally {
  process.kill(-server.pid);
}
