// npm run bench:work — the work library's throughput and latency in headless Debian Chromium.
// Serves tests/bench/work/bench.html with vite (no app config), runs runWorkBench() in the page,
// prints the figures, and as the last line one JSON object. `--slices N` alternates the raw
// transactions and the jobs in N slices (default 1: all raw transactions, then all jobs).
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../../scripts/launchChromium.mjs';

const at = process.argv.indexOf('--slices');
const slices = at > 0 ? Number(process.argv[at + 1]) : 1;
if (!Number.isInteger(slices) || slices < 1) {
  console.error('--slices takes a whole number of slices, 1 or more');
  process.exit(2);
}
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
  const figures = await page.evaluate((n) => globalThis.runWorkBench(2000, 200, n), slices);
  const version = browser.version();
  const ratio = figures.jobs_per_s / figures.raw_idb_tx_per_s;
  console.log(`browser: Chromium ${version}, headless`);
  if (figures.slices > 1) {
    console.log(
      `measured in ${figures.slices} alternating slices (raw transactions, then jobs), so that the machine's swings fall on both rates alike`,
    );
  }
  console.log(
    `raw IndexedDB: ${figures.rawTransactions} sequential single-put readwrite transactions (strict): ${figures.rawSeconds.toFixed(2)} s = ${figures.raw_idb_tx_per_s.toFixed(1)} tx/s`,
  );
  console.log(
    `jobs: ${figures.jobs} no-op jobs, one enqueue each, to SUCCEEDED: ${figures.jobsSeconds.toFixed(2)} s = ${figures.jobs_per_s.toFixed(1)} jobs/s (${ratio.toFixed(2)} x raw; target >= 0.3)`,
  );
  if (figures.slices > 1) {
    console.log(
      `jobs / raw, slice by slice: ${figures.sliceRatios.map((r) => r.toFixed(2)).join(' ')}`,
    );
  }
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
