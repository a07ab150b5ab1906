// Kernel CPU time in Node's V8 while iterating (`node --experimental-wasm-relaxed-simd
// tests/bench/blur/cpu.mjs [runs]`): process CPU time, not wall time, so other work on a shared
// machine skews it less. Prints medians of the 12 MP σ 8 passes; figures only, no assertions.
import { createServer } from 'vite';
import { loadAverage, median, root } from './benchPage.mjs';

const runs = Number(process.argv[2] ?? 7);
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false },
});
try {
  const { createWasmEngine } = await server.ssrLoadModule('/src/blur/wasmEngine.ts');
  const [W, H] = [4000, 3000];
  const px = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 24;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  console.log(`load average: ${loadAverage()}`);
  for (const variant of ['relaxed-simd', 'simd']) {
    const engine = createWasmEngine(variant);
    if (!engine) {
      console.log(`${variant}: not available`);
      continue;
    }
    const rows = [];
    const cols = [];
    for (let i = 0; i < runs; i++) {
      const job = engine.createJob(W, H, 8);
      job.pixels.set(px);
      const t0 = cpu();
      for (let b = 0; b < job.rowBands; b++) job.runBand(b);
      const t1 = cpu();
      for (let b = job.rowBands; b < job.bands; b++) job.runBand(b);
      const t2 = cpu();
      job.dispose();
      rows.push(t1 - t0);
      cols.push(t2 - t1);
    }
    console.log(
      `${variant}: rows ${median(rows).toFixed(1)} ms CPU, columns ${median(cols).toFixed(1)} ms CPU`,
    );
  }
  console.log(`load average: ${loadAverage()}`);
} finally {
  await server.close();
}
