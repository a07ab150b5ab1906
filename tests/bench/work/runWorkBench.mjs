// npm run bench:work — the work library's throughput and latency in headless Debian Chromium.
// Serves tests/bench/work/bench.html with vite (no app config), runs runWorkBench() in the page,
// prints the figures, and as the last line one JSON object.
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../../scripts/launchChromium.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`http://127.0.0.1:${port}/tests/bench/work/bench.html`);
  await page.waitForFunction(() => 'runWorkBench' in globalThis, null, { timeout: 60_000 });
  const figures = await page.evaluate(() => globalThis.runWorkBench(), null);
  const version = browser.version();
  const ratio = figures.jobs_per_s / figures.raw_idb_tx_per_s;
  console.log(`browser: Chromium ${version}, headless`);
  console.log(
    `raw IndexedDB: ${figures.rawTransactions} sequential single-put readwrite transactions (strict): ${figures.raw_idb_tx_per_s.toFixed(1)} tx/s`,
  );
  console.log(
    `jobs: ${figures.jobs} no-op jobs, one enqueue each, to SUCCEEDED: ${figures.jobsSeconds.toFixed(2)} s = ${figures.jobs_per_s.toFixed(1)} jobs/s (${ratio.toFixed(2)} x raw; target >= 0.3)`,
  );
  console.log(
    `latency, idle scheduler, ${figures.latencyJobs} jobs one at a time: enqueue -> RUNNING p50 ${figures.enqueue_to_running_p50_ms.toFixed(2)} ms, p95 ${figures.enqueue_to_running_p95_ms.toFixed(2)} ms (target p50 <= 10); enqueue -> SUCCEEDED seen by an observer p50 ${figures.enqueue_to_succeeded_p50_ms.toFixed(2)} ms`,
  );
  const round = (n) => Math.round(n * 100) / 100;
  console.log(
    JSON.stringify({
      jobs_per_s: round(figures.jobs_per_s),
      raw_idb_tx_per_s: round(figures.raw_idb_tx_per_s),
      enqueue_to_running_p50_ms: round(figures.enqueue_to_running_p50_ms),
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
