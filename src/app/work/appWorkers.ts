import {
  defineWorker,
  failure,
  success,
  WorkManager,
  type AnyWorkerDefinition,
  type Data,
} from '../../work';
import {
  listFiles,
  listNames,
  readFile,
  removeFile,
  savedFileUrl,
  writeFileAtomic,
  PARTIAL_PREFIX,
} from './fileStore';
import { BLUR, CLEANUP, SAVE, SLOW_MOTION_MS, STEP_TEXT, WORK_NAME, isBlurLevel } from './names';
import type { NotifyRequest } from '../messages';
import { readRawImage, type RawImage } from './rawImage';
import { writeOrExplain } from './storageSpace';

/** What the worker definitions need from the context that runs them. */
export interface AppWorkerEnv {
  /** Shows a step's notification (through the service worker's registration). */
  notify(request: NotifyRequest): void | Promise<void>;
  /**
   * Decodes and blurs an image file at a level, and encodes it as a JPEG (quality 0.85, as the
   * codelab saves), for a temporary file that the save step stores as it is.
   */
  blur(
    file: Blob,
    level: 1 | 2 | 3,
    signal: AbortSignal,
    onProgress: (p: number) => void,
  ): Promise<{ blob: Blob; width: number; height: number }>;
  /**
   * Encodes pixels as a JPEG (quality 0.85): for a temporary file of raw pixels (`.rgba`), which
   * blurs before this version wrote, that a save still queued from then finds.
   */
  encodeJpeg(image: RawImage, signal: AbortSignal): Promise<Blob>;
}

/** The three workers of the codelab's chain: clean up → blur → save. */
export function createAppWorkers(env: AppWorkerEnv): AnyWorkerDefinition[] {
  return [cleanupWorker(env), blurWorker(env), saveWorker(env)];
}

function cleanupWorker(env: AppWorkerEnv): AnyWorkerDefinition {
  return defineWorker<Data>(CLEANUP, async (ctx) => {
    await stepStart(env, CLEANUP, ctx.input, ctx.signal);
    const removed = (await removeUnreferencedTemporaries(ctx.id)) + (await removeUnusedInputs());
    await ctx.setProgress({ percent: 100 });
    return success({ removed });
  });
}

function blurWorker(env: AppWorkerEnv): AnyWorkerDefinition {
  return defineWorker<Data>(BLUR, async (ctx) => {
    const { level } = ctx.input;
    if (!isBlurLevel(level))
      return failure({ error: 'The blur work was given no image or an unknown blur level.' });
    await stepStart(env, BLUR, ctx.input, ctx.signal);
    const file = await readSource(ctx.input);
    if (typeof file === 'string') return failure({ error: file });
    const image = await env.blur(
      file,
      level,
      ctx.signal,
      (p) => void ctx.setProgress({ percent: Math.round(p * 90) }),
    );
    ctx.signal.throwIfAborted();
    const tmp = `${ctx.id}${BLURRED_SUFFIX}`;
    const full = await writeOrExplain('keep the blurred image', image.blob.size, () =>
      writeFileAtomic('tmp', tmp, image.blob),
    );
    if (full) return failure({ error: full });
    await ctx.setProgress({ percent: 100 });
    return success({ tmp, width: image.width, height: image.height });
  });
}

function saveWorker(env: AppWorkerEnv): AnyWorkerDefinition {
  return defineWorker<Data>(SAVE, async (ctx) => {
    const { tmp, savedName } = ctx.input;
    if (typeof tmp !== 'string' || typeof savedName !== 'string')
      return failure({ error: 'The save work was given no blurred image.' });
    await stepStart(env, SAVE, ctx.input, ctx.signal);
    const blurred = await readBlurred(tmp);
    if (!blurred) return failure({ error: 'The blurred image to save was lost; start again.' });
    await ctx.setProgress({ percent: 30 });
    const jpeg = blurred instanceof Blob ? blurred : await env.encodeJpeg(blurred, ctx.signal);
    ctx.signal.throwIfAborted();
    const full = await writeOrExplain('save the image', jpeg.size, () =>
      writeFileAtomic('saved', savedName, jpeg),
    );
    if (full) return failure({ error: full });
    if (ctx.signal.aborted) {
      // Cancelled while the file was being written: a cancelled save leaves no file behind.
      await removeFile('saved', savedName);
      ctx.signal.throwIfAborted();
    }
    await removeFile('tmp', tmp);
    const fileUrl = savedFileUrl(savedName);
    await env.notify({ type: 'notify', title: 'Image saved', body: savedName, fileUrl });
    return success({ fileUrl, fileName: savedName });
  });
}

/** The blur step's temporary file: `<work id>.jpg`, the JPEG to save. */
const BLURRED_SUFFIX = '.jpg';
/** Raw pixels, which the blur step wrote before it encoded (see `readBlurred`). */
const RAW_SUFFIX = '.rgba';
/** Either suffix, at the end of a temporary file's name (the rest is its blur's work id). */
const TEMP_SUFFIX = /\.(jpg|rgba)$/;

/**
 * The blur's temporary file: the JPEG to save, or, left by an earlier version's blur for a save
 * queued then, raw pixels (`.rgba`) still to encode. Null when it is gone or unreadable.
 */
async function readBlurred(tmp: string): Promise<Blob | RawImage | null> {
  if (tmp.endsWith(RAW_SUFFIX)) return readRawImage('tmp', tmp);
  const jpeg = await readFile('tmp', tmp);
  return jpeg && jpeg.size > 0 ? jpeg : null;
}

/** The blur's image: a stored copy of a chosen file, or an image that ships with the app. */
async function readSource(input: Data): Promise<Blob | string> {
  if (typeof input.file === 'string') {
    const file = await readFile('inputs', input.file);
    return file ?? `The chosen image “${input.file}” is no longer stored.`;
  }
  if (typeof input.url === 'string' && input.url.startsWith('/') && !input.url.startsWith('//')) {
    return (await readBundled(input.url)) ?? `The image ${input.url} could not be loaded.`;
  }
  return 'The blur work was given no image.';
}

/** From the precache first (the service worker's own fetches bypass it), then the network. */
async function readBundled(path: string): Promise<Blob | null> {
  const cached = await caches.match(path, { ignoreSearch: true });
  if (cached) return cached.blob();
  const response = await fetch(path).catch(() => null);
  return response?.ok ? response.blob() : null;
}

async function stepStart(
  env: AppWorkerEnv,
  step: string,
  input: Record<string, unknown>,
  signal: AbortSignal,
): Promise<void> {
  await env.notify({ type: 'notify', title: 'Blur-O-Matic', body: STEP_TEXT[step] ?? step });
  if (input.slowMotion === true) await sleep(SLOW_MOTION_MS, signal);
}

/**
 * Deletes temporary files that no unfinished work refers to: a blur's result is kept while the
 * blur or any work depending on it is unfinished; half-written files of finished saves go too.
 */
async function removeUnreferencedTemporaries(selfId: string): Promise<number> {
  const manager = await openManager();
  let removed = 0;
  for (const name of await listNames('tmp')) {
    const id = name.replace(PARTIAL_PREFIX, '').replace(TEMP_SUFFIX, '');
    if (id !== selfId && (await isStillNeeded(manager, id))) continue;
    if (await removeFile('tmp', name)) removed++;
  }
  return removed;
}

/** A chosen image is kept while a blur that has not finished refers to it. */
const INPUT_GRACE_MS = 10 * 60_000;

/**
 * Deletes copies of chosen images that no unfinished blur refers to. Recent copies are kept:
 * the page stores a copy a moment before it enqueues the blur that refers to it.
 */
async function removeUnusedInputs(): Promise<number> {
  const manager = await openManager();
  const unfinished = await manager.getWorkInfos({ states: ['ENQUEUED', 'RUNNING', 'BLOCKED'] });
  const inUse = new Set(unfinished.map((w) => w.input.file).filter((f) => typeof f === 'string'));
  let removed = 0;
  for (const file of await listFiles('inputs')) {
    if (inUse.has(file.name) || Date.now() - file.lastModified < INPUT_GRACE_MS) continue;
    if (await removeFile('inputs', file.name)) removed++;
  }
  return removed;
}

async function isStillNeeded(manager: WorkManager, blurId: string): Promise<boolean> {
  const info = await manager.getWorkInfoById(blurId);
  if (!info) return false;
  if (!isFinished(info.state)) return true;
  for (const dependent of info.dependents) {
    const dep = await manager.getWorkInfoById(dependent);
    if (dep && !isFinished(dep.state)) return true;
  }
  return false;
}

let manager: Promise<WorkManager> | null = null;

/** One connection per context for the cleanup's queries, opened on first use. */
function openManager(): Promise<WorkManager> {
  manager ??= WorkManager.open({ name: WORK_NAME });
  return manager;
}

function isFinished(state: string): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

/** Waits `ms`; rejects when the signal aborts meanwhile. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('Stopped'));
      },
      { once: true },
    );
  });
}
