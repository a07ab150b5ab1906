/** True for the errors a full disk or a used-up quota surface as, in OPFS and IndexedDB. */
export function isQuotaError(error: unknown): boolean {
  if (!(error instanceof DOMException)) return false;
  // Chromium's OPFS writable can report a full quota as an InvalidStateError on close.
  return error.name === 'QuotaExceededError' || /quota|space/i.test(error.message);
}

/** The space left to this origin, as far as the browser will say. */
export async function freeBytes(): Promise<number | null> {
  if (!navigator.storage?.estimate) return null;
  const { usage = 0, quota } = await navigator.storage.estimate();
  return quota === undefined ? null : Math.max(0, quota - usage);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * Runs a write; when storage is full, answers a message a person can act on, naming the space
 * the write needed and the space there is, instead of throwing.
 */
export async function writeOrExplain(
  what: string,
  neededBytes: number,
  write: () => Promise<void>,
): Promise<string | null> {
  try {
    await write();
    return null;
  } catch (error) {
    // Chromium does not always say "quota": a write of our own blob into a full origin can also
    // surface as a NotReadableError (the blob being written, never a permission problem here),
    // and estimate() may still report room: it did not reflect a lowered quota in the e2e test,
    // which then saw the raw error in about one run of four. Otherwise the free space decides.
    const free = await freeBytes();
    const full =
      isQuotaError(error) ||
      (error instanceof DOMException &&
        (error.name === 'NotReadableError' || (free !== null && free < neededBytes)));
    if (!full) throw error;
    const have = free === null ? '' : ` but only ${formatBytes(free)} is free`;
    return `Not enough storage to ${what}: it needs ${formatBytes(neededBytes)}${have}. Delete saved images or free up space on this device, then try again.`;
  }
}
