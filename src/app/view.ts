/** The page's elements, looked up once; the app's visible contract lives in index.html. */
export interface View {
  preview: HTMLImageElement;
  previewCaption: HTMLElement;
  form: HTMLFormElement;
  chooser: HTMLInputElement;
  chosen: HTMLElement;
  slowMotion: HTMLInputElement;
  start: HTMLButtonElement;
  cancel: HTMLButtonElement;
  seeFile: HTMLButtonElement;
  progressArea: HTMLElement;
  progress: HTMLProgressElement;
  percent: HTMLElement;
  step: HTMLElement;
  error: HTMLElement;
  savedList: HTMLUListElement;
  savedEmpty: HTMLElement;
  storage: HTMLElement;
  persistStatus: HTMLElement;
  updateBanner: HTMLElement;
  reloadToUpdate: HTMLButtonElement;
  install: HTMLButtonElement;
  buildId: HTMLElement;
}

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page is missing #${id}.`);
  return element;
}

export function findView(): View {
  return {
    preview: byId('preview', HTMLImageElement),
    previewCaption: byId('preview-caption', HTMLElement),
    form: byId('blur-form', HTMLFormElement),
    chooser: byId('choose-image', HTMLInputElement),
    chosen: byId('chosen', HTMLElement),
    slowMotion: byId('slow-motion', HTMLInputElement),
    start: byId('start', HTMLButtonElement),
    cancel: byId('cancel', HTMLButtonElement),
    seeFile: byId('see-file', HTMLButtonElement),
    progressArea: byId('progress-area', HTMLElement),
    progress: byId('progress', HTMLProgressElement),
    percent: byId('percent', HTMLElement),
    step: byId('step', HTMLElement),
    error: byId('error', HTMLElement),
    savedList: byId('saved-list', HTMLUListElement),
    savedEmpty: byId('saved-empty', HTMLElement),
    storage: byId('storage', HTMLElement),
    persistStatus: byId('persist-status', HTMLElement),
    updateBanner: byId('update-banner', HTMLElement),
    reloadToUpdate: byId('reload-to-update', HTMLButtonElement),
    install: byId('install', HTMLButtonElement),
    buildId: byId('build-id', HTMLElement),
  };
}

export type ScreenState =
  | { kind: 'default' }
  | { kind: 'loading'; step: string; percent: number | null }
  | { kind: 'complete'; fileUrl: string; fileName: string; count: number };

export function renderScreen(view: View, state: ScreenState): void {
  const loading = state.kind === 'loading';
  view.start.hidden = loading;
  view.cancel.hidden = !loading;
  view.seeFile.hidden = state.kind !== 'complete';
  view.progressArea.hidden = !loading;
  if (state.kind === 'loading') {
    if (state.percent === null) view.progress.removeAttribute('value');
    else view.progress.value = state.percent;
    view.percent.textContent = state.percent === null ? '' : `${state.percent}%`;
    // The live region names the step only: a percentage in it would be announced on every tick.
    setText(view.step, `${state.step}…`);
  } else if (state.kind === 'complete') {
    view.seeFile.dataset.url = state.fileUrl;
    setText(
      view.step,
      state.count > 1 ? `Done: ${state.count} images saved.` : `Done: saved “${state.fileName}”.`,
    );
  } else {
    setText(view.step, '');
  }
}

/** Writes only on change, so the live region announces each new step once. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
