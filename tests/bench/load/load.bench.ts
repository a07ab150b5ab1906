import { execFileSync } from 'node:child_process';
import { test } from '@playwright/test';
import { runBlurLoad } from '../../load/blurLoad';
import { CHROMIUM, launchApp, openApp } from '../../e2e/fixtures';

// `npm run bench:load`: 1,000 queued blurs of small images through the production build.
// Prints measured figures; asserts nothing about time.
test('bench: 1,000 queued blurs', async () => {
  test.setTimeout(25 * 60_000);
  const count = Number(process.env.LOAD_COUNT ?? 1000);
  console.log(`Browser: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}`);
  const { context, userDataDir } = await launchApp();
  try {
    const page = await openApp(context);
    const f = await runBlurLoad(context, page, userDataDir, count);
    console.log(
      `${f.count} blurs (each a blur → save branch of one chain) in ${f.seconds.toFixed(1)} s: ${f.blursPerSecond.toFixed(1)} per second`,
    );
    console.log(`saved files: ${f.savedFiles} (expected ${f.count})`);
    console.log(
      `renderer RSS: first ${Math.round(f.count / 5)} completions ${f.rssFirstMb.toFixed(0)} MB, last ${Math.round(f.count / 5)} ${f.rssLastMb.toFixed(0)} MB (${(f.rssGrowth * 100).toFixed(1)}%)`,
    );
    console.log(
      JSON.stringify({
        blurs: f.count,
        saved: f.savedFiles,
        seconds: +f.seconds.toFixed(1),
        rss_growth: +f.rssGrowth.toFixed(3),
      }),
    );
  } finally {
    await context.close();
  }
});
