// The 12 MP JPEG → JPEG pipelines in wall time and in renderer CPU time
// (`node tests/bench/blur/pipelineCpu.mjs [rounds]`): ours (blurBlob: the JPEG plane path), the
// RGBA path's steps (canvas decode and read-back, the same kernel on RGBA), and the canvas
// baseline, round-robin. CPU time is the renderers' utime + stime from /proc, all threads: on a
// shared machine it moves much less with the load than wall time. Prints figures only.
import { readFile } from 'node:fs/promises';
import { loadAverage, median, openBench, startBenchServer } from './benchPage.mjs';
import { launchChromium } from '../../../scripts/launchChromium.mjs';

const rounds = Number(process.argv[2] ?? 7);
const TICK_MS = 10; // USER_HZ is 100 on Linux

const server = await startBenchServer(5292);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(600_000);
  const call = await openBench(page, server.resolvedUrls.local[0]);
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const pids = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  await call('info'); // the engine choice, outside the timings
  await call('prepareJpeg', 4000, 3000);
  console.log(`load average at start: ${loadAverage()}`);
  const plan = [
    ['ours (blurBlob)', () => call('pipelineOurs', 8, 1)],
    ['RGBA path', () => call('pipelineParts', 1)],
    ['canvas baseline', () => call('pipelineCanvas', 8, 1)],
  ];
  const samples = new Map(plan.map(([label]) => [label, { wall: [], cpu: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const [label, run] of plan) {
      const cpu0 = await cpuOf(pids);
      const t0 = performance.now();
      await run();
      samples.get(label).wall.push(performance.now() - t0);
      samples.get(label).cpu.push((await cpuOf(pids)) - cpu0);
    }
  }
  for (const [label, { wall, cpu }] of samples) {
    console.log(
      `${label}: wall ${median(wall).toFixed(0)} ms, renderer CPU ${median(cpu).toFixed(0)} ms`,
    );
  }
  const ours = samples.get('ours (blurBlob)');
  const theirs = samples.get('canvas baseline');
  console.log(
    `ours / canvas baseline: wall ${(median(ours.wall) / median(theirs.wall)).toFixed(2)}, CPU ${(median(ours.cpu) / median(theirs.cpu)).toFixed(2)}`,
  );
  console.log(`load average at the end: ${loadAverage()}`);
} finally {
  await browser.close();
  await server.close();
}

async function cpuOf(pids) {
  let ms = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ms += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return ms;
}
