// What the bench scripts share: the repository root, a vite dev server of it that is
// cross-origin isolated as the app is, opening the bench page, and the small printing helpers.
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A listening vite dev server of the repository on `port` (or the next free one). */
export async function startBenchServer(port) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    // Cross-origin isolated, as the app is (COOP/COEP): shared memory and two threads.
    server: {
      host: '127.0.0.1',
      port,
      strictPort: false,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
  });
  await server.listen();
  return server;
}

/** The bench page's query for the scripts that take `--one-thread`: the kernel on one thread. */
export const threadsQuery = process.argv.includes('--one-thread') ? '?threads=0' : '';

/**
 * Opens the bench page in `page`, waits until it is ready and returns `call(name, ...args)`,
 * which runs `globalThis.bench[name](...args)` there.
 */
export async function openBench(page, base, query = '') {
  await page.goto(`${base}tests/bench/blur/index.html${query}`);
  await page.waitForFunction(() => document.title === 'ready');
  return (name, ...args) => page.evaluate(([n, a]) => globalThis.bench[n](...a), [name, args]);
}

/** The load average, as printed beside every figure. */
export function loadAverage() {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** The median (the upper one for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[values.length >> 1];
}
