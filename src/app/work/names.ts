/** Names shared by the page (which enqueues by string) and the contexts that run the work. */
export const WORK_NAME = 'blur-o-matic';
export const UNIQUE_CHAIN = 'image_manipulation_work';
export const OUTPUT_TAG = 'OUTPUT';

export const CLEANUP = 'cleanup';
export const BLUR = 'blur';
export const SAVE = 'save';

/** The codelab's step texts, shown in the status region and in notifications. */
export const STEP_TEXT: Record<string, string> = {
  [CLEANUP]: 'Cleaning up old temporary files',
  [BLUR]: 'Blurring image',
  [SAVE]: 'Saving image',
};

export const SLOW_MOTION_MS = 3000;

/** The sample photo that ships with the app: the default image. */
export const SAMPLE_URL = '/sample.jpg';

export type BlurLevel = 1 | 2 | 3;

export function isBlurLevel(value: unknown): value is BlurLevel {
  return value === 1 || value === 2 || value === 3;
}

/**
 * The saved file's name: readable, ordered by time, and unique even within one second because
 * it ends with part of the save work's id. Computed from the request, never from the clock of
 * an attempt, so a repeated attempt writes the same file.
 */
export function savedImageName(startedAtMs: number, workId: string): string {
  const d = new Date(startedAtMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}.${pad(d.getMinutes())}.${pad(d.getSeconds())}`;
  const tag =
    workId
      .replace(/[^0-9a-f]/gi, '')
      .slice(0, 4)
      .toLowerCase() || 'work';
  return `Blurred Image ${date} ${time} (${tag}).jpg`;
}
