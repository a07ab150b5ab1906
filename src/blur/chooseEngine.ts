import type { BlurEngine, EngineName } from './BlurEngine';
import { canvasEngine } from './canvasEngine';
import { canvasFilterWorks } from './blurOnCanvas';
import { jsEngine } from './jsEngine';
import { createWasmEngine } from './wasmEngine';

/** Every engine this context can run, by feature detection alone. */
export function availableEngines(): BlurEngine[] {
  const engines: BlurEngine[] = [];
  const relaxed = createWasmEngine('relaxed-simd');
  const simd = createWasmEngine('simd');
  if (relaxed) engines.push(relaxed);
  if (simd) engines.push(simd);
  engines.push(jsEngine);
  if (canvasFilterWorks()) engines.push(canvasEngine);
  return engines;
}

export function engineByName(name: EngineName): BlurEngine {
  const engine = availableEngines().find((e) => e.name === name);
  if (!engine) throw new Error(`blur engine ${name} is not available here`);
  return engine;
}

const CACHE = 'blur-engine-v1';
let chosen: Promise<BlurEngine> | undefined;

/**
 * The fastest engine on this device: a 1 MP blur timed once per engine, the winner remembered
 * for the session and in Cache Storage (keyed by browser and core count), so the measurement
 * runs once per device and browser version rather than once per image.
 */
export function chooseEngine(): Promise<BlurEngine> {
  chosen ??= pickEngine();
  return chosen;
}

async function pickEngine(): Promise<BlurEngine> {
  const engines = availableEngines();
  const remembered = await readChoice();
  const known = engines.find((e) => e.name === remembered);
  if (known) return known;
  const best = fastest(candidates(engines));
  await writeChoice(best.name);
  return best;
}

/** Plain JS never beats WASM SIMD; time it only where there is no WASM engine. */
function candidates(engines: BlurEngine[]): BlurEngine[] {
  const wasm = engines.filter((e) => e.name.startsWith('wasm'));
  return wasm.length ? engines.filter((e) => e.name !== 'js') : engines;
}

function fastest(engines: BlurEngine[]): BlurEngine {
  let best = engines[0];
  let bestTime = Infinity;
  for (const engine of engines) {
    const ms = Math.min(timeOnce(engine), timeOnce(engine)); // the first run includes warm-up
    if (ms < bestTime) [best, bestTime] = [engine, ms];
  }
  return best;
}

function timeOnce(engine: BlurEngine): number {
  const size = 1024;
  const start = performance.now();
  const job = engine.createJob(size, size, 8);
  job.pixels.fill(128);
  for (let i = 0; i < job.bands; i++) void job.runBand(i);
  const ms = performance.now() - start;
  job.dispose?.();
  return ms;
}

function cacheKey(): string {
  const nav = globalThis.navigator;
  return `https://blur-engine.invalid/?ua=${encodeURIComponent(nav?.userAgent ?? '')}&cores=${nav?.hardwareConcurrency ?? 0}`;
}

async function readChoice(): Promise<string | null> {
  try {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(cacheKey());
    return hit ? await hit.text() : null;
  } catch {
    return null; // no Cache Storage (opaque origin, Node): measure every session
  }
}

async function writeChoice(name: EngineName): Promise<void> {
  try {
    const cache = await caches.open(CACHE);
    await cache.put(cacheKey(), new Response(name));
  } catch {
    // Not remembered: the next session measures again.
  }
}

/** Forgets the remembered choice (tests, or after a browser update changes the winner). */
export async function forgetEngineChoice(): Promise<void> {
  chosen = undefined;
  try {
    await caches.delete(CACHE);
  } catch {
    // Nothing stored.
  }
}
