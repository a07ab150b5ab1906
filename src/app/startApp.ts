import { oneTimeWork, type WorkInfo, type WorkManager } from '../work';
import { openPageWorkManager } from '../work/openPageWorkManager.page';
import { isAppMessage, type NotifyRequest } from './messages';
import { registerServiceWorker } from './registerServiceWorker';
import { renderSavedImages } from './savedImages';
import { summarizeChain } from './screenState';
import { findView, renderScreen, setText, type View } from './view';
import { SAMPLE_URL, UNIQUE_CHAIN, WORK_NAME, type BlurLevel } from './work/names';
import { enqueueBlurChain } from './work/enqueueBlurChain';
import { listenForImages } from './imageIntake';
import { offerInstall } from './offerInstall';

interface AppState {
  view: View;
  manager: Promise<WorkManager>;
  chosen: File[];
  lastFailureShown: string | null;
  lastCompleteUrl: string | null;
}

export async function startApp(): Promise<void> {
  const view = findView();
  view.buildId.textContent = __BUILD_ID__;
  void registerServiceWorker({ onUpdateWaiting: (apply) => offerUpdate(view, apply) });
  // Controls work while the database opens: a click waits for it instead of for the page.
  const opening = openPageWorkManager({ name: WORK_NAME, executor: startExecutorWorker });
  const state: AppState = {
    view,
    manager: opening,
    chosen: [],
    lastFailureShown: null,
    lastCompleteUrl: null,
  };
  bindControls(state);
  const manager = await opening;
  // The e2e build's tests enqueue their counting workers through the page's manager.
  if (__E2E__) Object.assign(window, { blurOMaticTest: { manager, oneTimeWork } });
  manager.observe({ uniqueWorkNames: [UNIQUE_CHAIN] }, (infos) => onChain(state, infos));
  void renderSavedImages(view);
  reportShare(view);
}

/** The executor Worker runs the work; it asks this page to show its notifications. */
function startExecutorWorker(): Worker {
  const executor = new Worker(new URL('./executor.worker.ts', import.meta.url), {
    type: 'module',
    name: 'executor',
  });
  executor.addEventListener(
    'message',
    (event: MessageEvent<unknown>) => void forwardNotification(event.data),
  );
  return executor;
}

/** After a Web Share Target POST the service worker redirects here with what it did. */
function reportShare(view: View): void {
  const params = new URLSearchParams(window.location.search);
  const shared = params.get('shared');
  const error = params.get('share-error');
  if (!shared && !error) return;
  if (error) showError(view, error);
  else view.chosen.textContent = `${shared} shared image${shared === '1' ? '' : 's'} queued.`;
  history.replaceState(null, '', '/');
}

function bindControls(state: AppState): void {
  const { view } = state;
  view.chooser.addEventListener('change', () =>
    chooseFiles(state, [...(view.chooser.files ?? [])]),
  );
  listenForImages((files) => chooseFiles(state, files));
  offerInstall(view.install);
  // Start stays disabled in the HTML until it is wired: an early click must not submit the form.
  view.start.disabled = false;
  performance.mark('app-ready');
  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    performance.mark('start-clicked');
    void start(state).catch((error: unknown) =>
      showError(view, `Could not start: ${describe(error)}`),
    );
  });
  view.cancel.addEventListener(
    'click',
    () => void state.manager.then((m) => m.cancelUniqueWork(UNIQUE_CHAIN)),
  );
  view.seeFile.addEventListener('click', () => {
    const url = view.seeFile.dataset.url;
    if (url) window.open(url, '_blank', 'noopener');
  });
}

function chooseFiles(state: AppState, files: File[]): void {
  const { view } = state;
  const images = files.filter((f) => f.type.startsWith('image/'));
  const skipped = files.length - images.length;
  if (images.length === 0) {
    if (files.length > 0) showError(view, notImageMessage(files));
    return;
  }
  showError(
    view,
    skipped > 0
      ? `${notImageMessage(files.filter((f) => !images.includes(f)))} It was left out.`
      : '',
  );
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

function notImageMessage(files: readonly File[]): string {
  const names = files.map((f) => `“${f.name || 'pasted item'}”`).join(', ');
  return `${names} ${files.length === 1 ? 'is not an image' : 'are not images'}. Choose a JPEG, PNG, WebP, AVIF or GIF.`;
}

async function start(state: AppState): Promise<void> {
  const { view } = state;
  showError(view, '');
  state.lastFailureShown = null;
  state.lastCompleteUrl = null;
  void askNotificationPermission();
  void requestPersistence(view);
  const sources = state.chosen.length > 0 ? state.chosen : [{ url: SAMPLE_URL }];
  renderScreen(view, { kind: 'loading', step: 'Waiting to start', percent: null });
  await enqueueBlurChain(await state.manager, sources, {
    level: selectedLevel(view),
    slowMotion: view.slowMotion.checked,
  });
  // Read by `npm run bench`: navigation → a handled Start click.
  performance.mark('start-handled');
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
