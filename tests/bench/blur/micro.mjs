// A quick kernel-only measurement while iterating (`node tests/bench/blur/micro.mjs [runs]`):
// the 12 MP σ 8 blur split into its steps, medians, with the load average. Prints figures only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/chromium.mjs';
import { loadAverage, openBench, startBenchServer, threadsQuery } from './benchPage.mjs';

const runs = Number(process.argv[2] ?? 7);
const server = await startBenchServer(5291);
const profile = await mkdtemp(join(tmpdir(), 'blur-micro-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(600_000);
  const call = await openBench(page, server.resolvedUrls.local[0], threadsQuery);
  console.log(`load average: ${loadAverage()}`);
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
  console.log(`load average: ${loadAverage()}`);
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}
