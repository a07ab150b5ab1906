import { oneTimeWork, WorkContinuation, type WorkManager } from '../../work';
import { sanitizeFileName, writeFileAtomic } from './fileStore';
import {
  BLUR,
  CLEANUP,
  OUTPUT_TAG,
  SAVE,
  UNIQUE_CHAIN,
  savedImageName,
  type BlurLevel,
} from './names';

/** An image that ships with the app (the sample), read from the precache by the blur. */
export interface BundledImage {
  url: string;
}

export type BlurSource = Blob | BundledImage;

export interface BlurChainOptions {
  level: BlurLevel;
  slowMotion?: boolean;
}

/**
 * The codelab's chain, under the unique name `image_manipulation_work` with policy `replace`:
 * cleanup, then for each image its own blur → save branch, committed in one transaction.
 * Used by the page (Start) and by the service worker (Web Share Target).
 */
export async function enqueueBlurChain(
  manager: WorkManager,
  images: readonly BlurSource[],
  { level, slowMotion = false }: BlurChainOptions,
): Promise<void> {
  if (images.length === 0) throw new Error('No image to blur.');
  const startedAt = Date.now();
  const cleanup = oneTimeWork(CLEANUP, { input: { slowMotion } });
  const saveIds = distinctSaveIds(images.length);
  const stored = await Promise.all(images.map(storeInput));
  const chain = manager.beginUniqueWork(UNIQUE_CHAIN, 'replace', cleanup);
  const branches = stored.map((file, i) => {
    const blur = oneTimeWork(BLUR, {
      input: { ...file, level, slowMotion },
      constraints: { batteryNotLow: true },
    });
    const id = saveIds[i];
    const save = oneTimeWork(SAVE, {
      id,
      input: { savedName: savedImageName(startedAt, id), slowMotion },
      tags: [OUTPUT_TAG],
    });
    return chain.then(blur).then(save);
  });
  await WorkContinuation.combine(branches).enqueue();
}

/** Save work ids whose short tags differ, so names are unique even within one second. */
function distinctSaveIds(count: number): string[] {
  const ids: string[] = [];
  const tags = new Set<string>();
  while (ids.length < count) {
    const id = crypto.randomUUID();
    const tag = id.slice(0, 4);
    if (tags.has(tag)) continue;
    tags.add(tag);
    ids.push(id);
  }
  return ids;
}

/** Copies a chosen image into OPFS: work data holds its name, never its pixels. */
async function storeInput(image: BlurSource): Promise<{ file: string } | { url: string }> {
  if (!(image instanceof Blob)) return { url: image.url };
  const original = image instanceof File ? image.name : 'image';
  const name = `${crypto.randomUUID()}-${sanitizeFileName(original)}`;
  await writeFileAtomic('inputs', name, image);
  return { file: name };
}
