import { WorkManager } from '../src/work';
import { enqueueBlurChain } from '../src/app/work/enqueueBlurChain';
import { WORK_NAME } from '../src/app/work/names';

declare const self: ServiceWorkerGlobalScope;

export const SHARE_TARGET_PATH = '/share-target';
/** The largest shared file accepted: far above any camera photo, far below a full disk. */
export const MAX_SHARED_BYTES = 50 * 1024 * 1024;
export const MAX_SHARED_FILES = 20;

let manager: Promise<WorkManager> | null = null;

/**
 * Web Share Target: the photo shared to the installed app arrives here as a form POST. It is
 * stored and its chain queued at once (offline too), then the app opens to show it running.
 */
export async function receiveShare(request: Request): Promise<Response> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return redirect({ 'share-error': 'The shared data could not be read.' });
  }
  const entries = form.getAll('images').filter((v): v is File => v instanceof File);
  const problem = checkShared(entries);
  if (problem) return redirect({ 'share-error': problem });
  manager ??= WorkManager.open({ name: WORK_NAME });
  await enqueueBlurChain(await manager, entries, { level: 1 });
  return redirect({ shared: String(entries.length) });
}

/** Only images, only up to the size and count limits; anything else changes nothing. */
export function checkShared(files: readonly File[]): string | null {
  if (files.length === 0) return 'Nothing was shared: share a photo to Blur-O-Matic.';
  if (files.length > MAX_SHARED_FILES)
    return `At most ${MAX_SHARED_FILES} images can be shared at once.`;
  const notImage = files.find((f) => !f.type.startsWith('image/'));
  if (notImage) return `“${notImage.name}” is not an image.`;
  const tooLarge = files.find((f) => f.size > MAX_SHARED_BYTES);
  if (tooLarge) return `“${tooLarge.name}” is larger than ${MAX_SHARED_BYTES / 1024 / 1024} MB.`;
  return null;
}

function redirect(params: Record<string, string>): Response {
  const url = new URL('/', self.location.origin);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return Response.redirect(url.href, 303);
}
