// A quick kernel-only measurement while iterating (`node tests/bench/blur/micro.mjs [runs]`):
// the 12 MP σ 8 blur split into its steps, medians, with the load average. Prints figures only.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const runs = Number(process.argv[2] ?? 7);
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  // Cross-origin isolated, as the app is (COOP/COEP): shared memory and two threads.
  server: {
    host: '127.0.0.1',
    port: 5291,
    strictPort: false,
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  },
});
await server.listen();
const profile = await mkdtemp(join(tmpdir(), 'blur-micro-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(600_000);
  await page.goto(
    `${server.resolvedUrls.local[0]}tests/bench/blur/index.html${process.argv.includes('--one-thread') ? '?threads=0' : ''}`,
  );
  await page.waitForFunction(() => document.title === 'ready');
  const call = (name, ...args) =>
    page.evaluate(([n, a]) => globalThis.bench[n](...a), [name, args]);
  console.log(
    `load average: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (process.argv.includes('--pipeline')) {
    await call('prepareJpeg', 4000, 3000);
    const parts = await call('pipelineParts', runs);
    console.log(
      'RGBA path: ' +
        Object.entries(parts)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', '),
    );
    const trace = await call('pipelineTrace', 8, runs);
    console.log(
      'blurBlob (JPEG planes): ' +
        Object.entries(trace)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', '),
    );
    const theirs = await call('pipelineCanvas', 8, runs);
    console.log(`canvas pipeline: ${theirs.toFixed(1)}`);
  }
  for (const engine of ['wasm-relaxed-simd', 'wasm-simd']) {
    for (const sigma of [8, 24]) {
      const parts = await call('parts', engine, sigma, runs);
      console.log(
        `${engine} σ ${sigma}: ` +
          Object.entries(parts)
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', '),
      );
    }
  }
  console.log(
    `load average: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}
