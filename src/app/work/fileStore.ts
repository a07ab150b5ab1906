/**
 * The app's files in the Origin Private File System, usable from the page, workers and the
 * service worker (async API only: sync access handles exist only in dedicated workers).
 *
 * inputs/  copies of the images a person chose (job data holds names, never pixels)
 * tmp/     blur results waiting to be saved
 * saved/   finished JPEGs, served by the service worker at /files/saved/<name>
 */
export type Folder = 'inputs' | 'tmp' | 'saved';

export const SAVED_URL_PREFIX = '/files/saved/';

/** Chromium's OPFS handles can be renamed in place; lib.dom does not declare it yet. */
interface MovableHandle extends FileSystemFileHandle {
  move(newName: string): Promise<void>;
}

/** The prefix of a file being written: never listed, never served, removed by cleanup. */
export const PARTIAL_PREFIX = '.partial-';

export async function folder(name: Folder): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(name, { create: true });
}

export async function readFile(where: Folder, name: string): Promise<File | null> {
  try {
    const dir = await folder(where);
    const handle = await dir.getFileHandle(name);
    return await handle.getFile();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * Writes under a temporary name and renames when complete, so a reader never sees half a file
 * and a repeated attempt replaces rather than duplicates.
 */
export async function writeFileAtomic(where: Folder, name: string, data: Blob): Promise<void> {
  const dir = await folder(where);
  const partial = PARTIAL_PREFIX + name;
  const handle = await dir.getFileHandle(partial, { create: true });
  const writable = await handle.createWritable();
  try {
    await writable.write(data);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    await dir.removeEntry(partial).catch(() => undefined);
    throw error;
  }
  await removeFile(where, name);
  await (handle as MovableHandle).move(name);
}

export async function removeFile(where: Folder, name: string): Promise<boolean> {
  try {
    const dir = await folder(where);
    await dir.removeEntry(name);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

export interface StoredFile {
  name: string;
  size: number;
  lastModified: number;
  type: string;
}

/** Complete files of a folder, newest first (partial writes are left out). */
export async function listFiles(where: Folder): Promise<StoredFile[]> {
  const dir = await folder(where);
  const files: StoredFile[] = [];
  for await (const handle of dir.values()) {
    if (!(handle instanceof FileSystemFileHandle) || handle.name.startsWith(PARTIAL_PREFIX))
      continue;
    const file = await handle.getFile();
    files.push({
      name: file.name,
      size: file.size,
      lastModified: file.lastModified,
      type: file.type,
    });
  }
  return files.sort((a, b) => b.lastModified - a.lastModified || a.name.localeCompare(b.name));
}

/** All entries of a folder, partial ones included: for cleanup. */
export async function listNames(where: Folder): Promise<string[]> {
  const dir = await folder(where);
  const names: string[] = [];
  for await (const key of dir.keys()) names.push(key);
  return names;
}

export function savedFileUrl(name: string): string {
  return SAVED_URL_PREFIX + encodeURIComponent(name);
}

/** The saved file's name from its URL path, or null when the path is not a saved file's. */
export function savedNameFromPath(pathname: string): string | null {
  if (!pathname.startsWith(SAVED_URL_PREFIX)) return null;
  try {
    const name = decodeURIComponent(pathname.slice(SAVED_URL_PREFIX.length));
    return isSafeName(name) ? name : null;
  } catch {
    return null;
  }
}

/** A file name that stays one OPFS entry: no separators, no control characters, not hidden. */
export function isSafeName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 200 &&
    !name.startsWith('.') &&
    // eslint-disable-next-line no-control-regex
    !/[/\\\u0000-\u001f\u007f]/.test(name)
  );
}

/** Makes a person's file name safe to store, show in a URL and in a notification. */
export function sanitizeFileName(name: string, fallback = 'image'): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex
    .replace(/[/\\\u0000-\u001f\u007f<>:"|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim();
  return cleaned || fallback;
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof DOMException &&
    (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')
  );
}
