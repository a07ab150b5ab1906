// Builds of the kernel against each other, in Chromium, one thread
// (`node tests/bench/blur/passes.mjs rounds a.wasm|committed b.wasm …`; σ from SIGMA, default 8;
// run it under `flock /tmp/bench.lock`). Each build gets its own instance and memory in one page;
// every round times blurRows and blurColumns of the same 12 MP image once per build, in ABBA
// order, as CPU time of the renderer's main thread (/proc/<pid>/schedstat: preemption by other
// work does not count) and as wall time. Prints medians and, against the first build, the median
// of the per-round ratios: on a shared machine only those mean much. Figures only.
import { readFile } from 'node:fs/promises';
import { createServer } from 'vite';
import { loadAverage, median, root } from './benchPage.mjs';
import { launchChromium } from '../../../scripts/launchChromium.mjs';

const [rounds, ...builds] = process.argv.slice(2);
if (!rounds || builds.length === 0) {
  console.error('usage: node tests/bench/blur/passes.mjs rounds a.wasm|committed [b.wasm …]');
  process.exit(1);
}
const sigma = Number(process.env.SIGMA ?? 8);
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false },
});
const { gaussianCoefficients } = await server.ssrLoadModule('/src/blur/coefficients.ts');
await server.close();
const committed = (await readFile(`${root}/src/blur/wasm/gaussianWasm.ts`, 'utf8')).match(
  /gaussianWasmRelaxed =\s*'([^']+)'/,
)[1];
const modules = await Promise.all(
  builds.map(async (b) => (b === 'committed' ? committed : (await readFile(b)).toString('base64'))),
);

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.evaluate(
    ({ modules, coef }) => {
      const [W, H, C, S, P] = [4000, 3000, 65536, 131072, 4 << 20];
      // Photo-like: gradients, a pattern, and a transparent corner.
      const src = new Uint8ClampedArray(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = (y * W + x) * 4;
          src.set(
            [(x * 255) / W, (y * 200) / H, (x ^ y) & 64 ? 200 : 40, x > 3000 && y < 900 ? 0 : 255],
            i,
          );
        }
      }
      const kernels = modules.map((b64) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const memory = new WebAssembly.Memory({ initial: Math.ceil((P + W * H * 4) / 65536) });
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bin), { env: { memory } });
        return { k: instance.exports, memory };
      });
      Object.assign(globalThis, {
        prepare(i) {
          new Float32Array(kernels[i].memory.buffer, C, 13).set(coef);
          new Uint8ClampedArray(kernels[i].memory.buffer, P, W * H * 4).set(src);
        },
        rows(i) {
          const t = performance.now();
          kernels[i].k.blurRows(P, W, 0, H, S, C);
          return performance.now() - t;
        },
        columns(i) {
          const t = performance.now();
          kernels[i].k.blurColumns(P, W, H, 0, W, S, C);
          return performance.now() - t;
        },
      });
    },
    { modules, coef: Array.from(gaussianCoefficients(sigma)) },
  );
  // The renderer's main thread: the process whose CPU time grows during a busy evaluate.
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const pids = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  const cpu = async (pid) =>
    Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[0]) / 1e6;
  const before = await Promise.all(pids.map(cpu));
  await page.evaluate(() => {
    for (const t = performance.now(); performance.now() - t < 300;);
  });
  const grown = await Promise.all(pids.map(async (p, i) => (await cpu(p)) - before[i]));
  const pid = pids[grown.indexOf(Math.max(...grown))];

  const start = loadAverage();
  const t = builds.map(() => ({ rows: [], columns: [], both: [], rowsWall: [], columnsWall: [] }));
  for (let r = 0; r < Number(rounds) + 2; r++) {
    for (let j = 0; j < builds.length; j++) {
      const i = r % 2 ? builds.length - 1 - j : j;
      await page.evaluate((i) => globalThis.prepare(i), i);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const c0 = await cpu(pid);
      const rowsWall = await page.evaluate((i) => globalThis.rows(i), i);
      const c1 = await cpu(pid);
      const columnsWall = await page.evaluate((i) => globalThis.columns(i), i);
      const c2 = await cpu(pid);
      if (r < 2) continue; // warm-up: tier-up to TurboFan
      t[i].rows.push(c1 - c0);
      t[i].columns.push(c2 - c1);
      t[i].both.push(c2 - c0);
      t[i].rowsWall.push(rowsWall);
      t[i].columnsWall.push(columnsWall);
    }
  }
  console.log(
    `12 MP σ ${sigma}, ${rounds} rounds, load ${start} → ${loadAverage()}; ms of CPU [wall]`,
  );
  const ratio = (i, key) => median(t[i][key].map((x, r) => x / t[0][key][r])).toFixed(3);
  builds.forEach((b, i) =>
    console.log(
      `  ${b}: rows ${median(t[i].rows).toFixed(1)} [${median(t[i].rowsWall).toFixed(1)}],` +
        ` columns ${median(t[i].columns).toFixed(1)} [${median(t[i].columnsWall).toFixed(1)}]` +
        (i
          ? `; paired ratio to the first: rows ${ratio(i, 'rows')}, columns ${ratio(i, 'columns')},` +
            ` both ${ratio(i, 'both')}`
          : ''),
    ),
  );
} finally {
  await browser.close();
}
