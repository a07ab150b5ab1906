import { oneTimeWork, WorkContinuation, WorkManager, type WorkInfo } from '../work';
import { isAppMessage, type NotifyRequest } from './messages';
import { registerServiceWorker } from './registerServiceWorker';
import { renderSavedImages } from './savedImages';
import { summarizeChain } from './screenState';
import { findView, renderScreen, setText, type View } from './view';
import { sanitizeFileName, writeFileAtomic } from './work/fileStore';
import {
  BLUR,
  CLEANUP,
  OUTPUT_TAG,
  SAVE,
  UNIQUE_CHAIN,
  WORK_NAME,
  savedImageName,
  type BlurLevel,
} from './work/names';

interface AppState {
  view: View;
  manager: WorkManager;
  chosen: File[];
  lastFailureShown: string | null;
  lastCompleteUrl: string | null;
}

export async function startApp(): Promise<void> {
  const view = findView();
  view.buildId.textContent = __BUILD_ID__;
  void registerServiceWorker({ onUpdateWaiting: (apply) => offerUpdate(view, apply) });
  const executor = new Worker(new URL('./executor.worker.ts', import.meta.url), {
    type: 'module',
    name: 'executor',
  });
  executor.addEventListener(
    'message',
    (event: MessageEvent<unknown>) => void forwardNotification(event.data),
  );
  const manager = await WorkManager.open({ name: WORK_NAME });
  const state: AppState = {
    view,
    manager,
    chosen: [],
    lastFailureShown: null,
    lastCompleteUrl: null,
  };
  bindControls(state);
  manager.observe({ uniqueWorkNames: [UNIQUE_CHAIN] }, (infos) => onChain(state, infos));
  void renderSavedImages(view);
}

function bindControls(state: AppState): void {
  const { view } = state;
  view.chooser.addEventListener('change', () =>
    chooseFiles(state, [...(view.chooser.files ?? [])]),
  );
  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void start(state).catch((error: unknown) =>
      showError(view, `Could not start: ${describe(error)}`),
    );
  });
  view.cancel.addEventListener('click', () => void state.manager.cancelUniqueWork(UNIQUE_CHAIN));
  view.seeFile.addEventListener('click', () => {
    const url = view.seeFile.dataset.url;
    if (url) window.open(url, '_blank', 'noopener');
  });
}

function chooseFiles(state: AppState, files: File[]): void {
  const { view } = state;
  const images = files.filter((f) => f.type.startsWith('image/'));
  if (files.length > 0 && images.length === 0) {
    showError(view, 'That file is not an image. Choose a JPEG, PNG, WebP, AVIF or GIF.');
    return;
  }
  showError(view, '');
  state.chosen = images;
  const first = images[0];
  if (!first) return;
  const previous = view.preview.src;
  view.preview.src = URL.createObjectURL(first);
  if (previous.startsWith('blob:')) URL.revokeObjectURL(previous);
  view.previewCaption.textContent = first.name;
  view.chosen.textContent =
    images.length === 1 ? `1 image chosen: ${first.name}` : `${images.length} images chosen`;
}

async function start(state: AppState): Promise<void> {
  const { view, manager } = state;
  showError(view, '');
  state.lastFailureShown = null;
  state.lastCompleteUrl = null;
  void askNotificationPermission();
  void requestPersistence(view);
  const level = selectedLevel(view);
  const sources = state.chosen.length > 0 ? state.chosen : [await sampleFile()];
  const startedAt = Date.now();
  const slowMotion = view.slowMotion.checked;
  const cleanup = oneTimeWork(CLEANUP, { input: { slowMotion } });
  const saveIds = distinctSaveIds(sources.length);
  const branches = await Promise.all(
    sources.map(async (source, i) => {
      const stored = await storeInput(source);
      const blur = oneTimeWork(BLUR, {
        input: { file: stored, level, slowMotion },
        constraints: { batteryNotLow: true },
      });
      const id = saveIds[i];
      const savedName = savedImageName(startedAt, id);
      const save = oneTimeWork(SAVE, { id, input: { savedName, slowMotion }, tags: [OUTPUT_TAG] });
      return { blur, save };
    }),
  );
  renderScreen(view, { kind: 'loading', step: 'Waiting to start', percent: null });
  const chain = manager.beginUniqueWork(UNIQUE_CHAIN, 'replace', cleanup);
  // One transaction: cleanup once, then each file's own blur → save branch.
  await WorkContinuation.combine(
    branches.map(({ blur, save }) => chain.then(blur).then(save)),
  ).enqueue();
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

async function storeInput(file: File): Promise<string> {
  const name = `${crypto.randomUUID()}-${sanitizeFileName(file.name)}`;
  await writeFileAtomic('inputs', name, file);
  return name;
}

async function sampleFile(): Promise<File> {
  const response = await fetch('/sample.jpg');
  if (!response.ok)
    throw new Error(`the sample image could not be loaded (HTTP ${response.status})`);
  return new File([await response.blob()], 'sample.jpg', { type: 'image/jpeg' });
}

function selectedLevel(view: View): BlurLevel {
  const checked = view.form.querySelector<HTMLInputElement>('input[name="blur-level"]:checked');
  const value = Number(checked?.value ?? 1);
  return value === 2 || value === 3 ? value : 1;
}

function onChain(state: AppState, infos: WorkInfo[]): void {
  const { screen, failure } = summarizeChain(infos);
  renderScreen(state.view, screen);
  if (failure && failure !== state.lastFailureShown) {
    state.lastFailureShown = failure;
    showError(state.view, failure);
  }
  if (screen.kind === 'complete' && screen.fileUrl !== state.lastCompleteUrl) {
    state.lastCompleteUrl = screen.fileUrl;
    void renderSavedImages(state.view);
  }
}

function showError(view: View, message: string): void {
  setText(view.error, message);
}

function offerUpdate(view: View, apply: () => void): void {
  view.updateBanner.hidden = false;
  view.reloadToUpdate.onclick = () => {
    view.reloadToUpdate.disabled = true;
    apply();
  };
}

async function askNotificationPermission(): Promise<void> {
  if (!('Notification' in window) || Notification.permission !== 'default') return;
  await Notification.requestPermission().catch(() => 'denied');
}

async function requestPersistence(view: View): Promise<void> {
  if (!navigator.storage?.persist) return;
  const already = await navigator.storage.persisted();
  const granted = already || (await navigator.storage.persist());
  view.persistStatus.textContent = granted
    ? 'Storage is persistent: queued work and saved images are kept.'
    : 'The browser did not grant persistent storage: it may clear saved images and queued work when space runs low.';
}

async function forwardNotification(data: unknown): Promise<void> {
  if (!isAppMessage(data) || data.type !== 'notify') return;
  await showNotification(data);
}

async function showNotification(request: NotifyRequest): Promise<void> {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const registration = await navigator.serviceWorker?.ready;
  registration?.active?.postMessage(request);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
