import { readFileSync, readdirSync } from 'node:fs';
import { expect, type BrowserContext, type Page } from '@playwright/test';

/** Resident memory of the browser's renderer processes for one profile, in MB (from /proc). */
export function rendererRssMb(userDataDir: string): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('--type=renderer') || !cmdline.includes(userDataDir)) continue;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return kb / 1024;
}

/** Chooses `count` small generated JPEGs through the app's file control, in the page. */
export async function chooseSmallImages(page: Page, count: number): Promise<void> {
  await page.evaluate(async (n) => {
    const dt = new DataTransfer();
    for (let i = 0; i < n; i++) {
      const canvas = new OffscreenCanvas(96, 64);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = `hsl(${(i * 37) % 360} 70% 50%)`;
      ctx.fillRect(0, 0, 96, 64);
      ctx.fillStyle = '#fff';
      ctx.fillText(String(i), 8, 36);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      dt.items.add(new File([blob], `small-${i}.jpg`, { type: 'image/jpeg' }));
    }
    const input = document.querySelector<HTMLInputElement>('#choose-image')!;
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, count);
}

/** Saved files in OPFS (complete ones: partial writes start with a dot). */
export function savedCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const dir = await (
      await navigator.storage.getDirectory()
    ).getDirectoryHandle('saved', { create: true });
    let n = 0;
    for await (const name of dir.keys()) if (!name.startsWith('.')) n++;
    return n;
  });
}

export interface LoadFigures {
  count: number;
  seconds: number;
  blursPerSecond: number;
  savedFiles: number;
  rssFirstMb: number;
  rssLastMb: number;
  rssGrowth: number;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/**
 * Queues `count` blurs of small images as one chain (cleanup, then a blur → save branch per
 * image), waits for every save, samples renderer memory as they complete, and checks that each
 * image was saved exactly once.
 */
export async function runBlurLoad(
  context: BrowserContext,
  page: Page,
  userDataDir: string,
  count: number,
): Promise<LoadFigures> {
  const window = Math.max(1, Math.floor(count / 5));
  await chooseSmallImages(page, count);
  await expect(page.getByText(`${count} images chosen`)).toBeVisible();
  const started = Date.now();
  await page.getByRole('button', { name: 'Start' }).click();
  const samples: { done: number; rss: number }[] = [];
  let done = 0;
  while (done < count) {
    await page.waitForTimeout(500);
    done = await savedCount(page);
    samples.push({ done, rss: rendererRssMb(userDataDir) });
    if (Date.now() - started > 20 * 60_000)
      throw new Error(`only ${done} of ${count} saved after 20 minutes`);
  }
  const seconds = (Date.now() - started) / 1000;
  await expect(page.getByRole('status')).toHaveText(`Done: ${count} images saved.`, {
    timeout: 60_000,
  });
  // From the first completion on: before it, the executor's pool worker has not started yet, and
  // a window that includes that moment reads start-up as growth. Medians, so one GC swing
  // does not decide.
  const first = samples.filter((s) => s.done >= 1 && s.done <= window).map((s) => s.rss);
  const last = samples.filter((s) => s.done >= count - window).map((s) => s.rss);
  const rssFirstMb = median(first);
  const rssLastMb = median(last);
  return {
    count,
    seconds,
    blursPerSecond: count / seconds,
    savedFiles: await savedCount(page),
    rssFirstMb,
    rssLastMb,
    rssGrowth: rssLastMb / rssFirstMb - 1,
  };
}
