import type { WorkInfo } from '../types';

/** Everything the inspector sees, as a JSON document a person can keep or attach to a bug. */
export function workExport(name: string, infos: readonly WorkInfo[], now: number): string {
  const doc = { format: 'work-inspector-export', version: 1, name, exportedAt: now, works: infos };
  return JSON.stringify(doc, null, 2);
}

/** Saves the export through a download link: no server and no network, so it works offline. */
export function downloadExport(name: string, infos: readonly WorkInfo[]): string {
  const now = Date.now();
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const fileName = `work-${name}-${stamp}.json`;
  const blob = new Blob([workExport(name, infos, now)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return fileName;
}
