import type { View } from './view';
import { listFiles, removeFile, savedFileUrl, type StoredFile } from './work/fileStore';
import { formatBytes } from './work/storageSpace';

/** Renders "Saved images": one list item per saved file, with view, download, share, delete. */
export async function renderSavedImages(view: View): Promise<void> {
  const files = await listFiles('saved');
  view.savedList.replaceChildren(...files.map((file) => savedItem(view, file)));
  view.savedEmpty.hidden = files.length > 0;
  await renderStorage(view);
}

function savedItem(view: View, file: StoredFile): HTMLLIElement {
  const url = savedFileUrl(file.name);
  const item = document.createElement('li');
  const img = document.createElement('img');
  img.src = url;
  img.alt = `Saved image ${file.name}`;
  img.loading = 'lazy';
  img.decoding = 'async';
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = `${file.name} (${formatBytes(file.size)})`;
  const row = document.createElement('div');
  row.className = 'row';
  row.append(
    link('View', url, `View ${file.name}`, false),
    link('Download', `${url}?download`, `Download ${file.name}`, true, file.name),
  );
  if (typeof navigator.share === 'function')
    row.append(button('Share', `Share ${file.name}`, () => share(file)));
  row.append(button('Delete', `Delete ${file.name}`, () => deleteSaved(view, file.name)));
  item.append(img, name, row);
  return item;
}

function link(
  text: string,
  href: string,
  label: string,
  download: boolean,
  filename?: string,
): HTMLAnchorElement {
  const a = document.createElement('a');
  a.className = 'button';
  a.textContent = text;
  a.href = href;
  a.setAttribute('aria-label', label);
  if (download) a.download = filename ?? '';
  else {
    a.target = '_blank';
    a.rel = 'noopener';
  }
  return a;
}

function button(text: string, label: string, onClick: () => Promise<void>): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', () => void onClick());
  return b;
}

async function share(file: StoredFile): Promise<void> {
  const response = await fetch(savedFileUrl(file.name));
  const shared = new File([await response.blob()], file.name, { type: file.type || 'image/jpeg' });
  const data = { files: [shared], title: file.name };
  try {
    await navigator.share(
      navigator.canShare?.(data) ? data : { title: file.name, url: savedFileUrl(file.name) },
    );
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'AbortError')) throw error;
  }
}

async function deleteSaved(view: View, name: string): Promise<void> {
  await removeFile('saved', name);
  await renderSavedImages(view);
  view.savedList.closest('section')?.querySelector('h2')?.focus();
}

async function renderStorage(view: View): Promise<void> {
  if (!navigator.storage?.estimate) return;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  view.storage.textContent = `Storage used: ${formatBytes(usage)} of ${formatBytes(quota)} available to this app.`;
}
