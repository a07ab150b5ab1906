import { runBlurLoad } from '../load/blurLoad';
import { expect, launchApp, openApp, test } from './fixtures';

test('load: 100 queued blurs of small images each complete once, with renderer memory flat', async () => {
  test.setTimeout(180_000);
  const { context, userDataDir } = await launchApp();
  try {
    const page = await openApp(context);
    const figures = await runBlurLoad(context, page, userDataDir, 100);
    console.log(`load (100): ${JSON.stringify(figures)}`);
    expect(figures.savedFiles).toBe(100);
    expect(Math.abs(figures.rssGrowth)).toBeLessThanOrEqual(0.1);
  } finally {
    await context.close();
  }
});
