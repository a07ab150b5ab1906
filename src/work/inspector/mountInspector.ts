import type { WorkInfo } from '../index';
import { WorkManager } from '../index';
import { buildLayout, type InspectorView } from './buildLayout';
import { describeChanges } from './describeChanges';
import { h, preserveFocus } from './dom';
import { filterWork, workFacets } from './filterWork';
import { countText } from './format';
import { chainOf } from './layoutGraph';
import { readFilter, readSort, updateFacets } from './renderControls';
import { renderDetails } from './renderDetails';
import { renderGraph } from './renderGraph';
import { renderTable } from './renderTable';
import { ALL_WORK, runAction } from './runAction';
import { shortId } from './resolveInput';
import { workIdFromHash } from './workHref';
import './inspector.css';

export interface Inspector {
  name: string;
  manager: WorkManager;
  view: InspectorView;
  infos: WorkInfo[];
  byId: Map<string, WorkInfo>;
  selectedId: string | null;
  loaded: boolean;
}

/**
 * Mounts the work inspector (Android Studio's Background Task Inspector) into `root`, for the
 * work database `name`. It observes every work live and needs nothing from the host app.
 */
export async function mountInspector(
  root: HTMLElement,
  { name }: { name: string },
): Promise<{ unmount(): void }> {
  const manager = await WorkManager.open({ name });
  const view = buildLayout();
  const self: Inspector = {
    name,
    manager,
    view,
    infos: [],
    byId: new Map(),
    selectedId: workIdFromHash(location.hash),
    loaded: false,
  };
  root.replaceChildren(view.root);
  const stopObserving = manager.observe(ALL_WORK, (infos) => onWork(self, infos));
  const unbind = bindEvents(self);
  render(self);
  return {
    unmount() {
      stopObserving();
      unbind();
      manager.close();
      view.root.remove();
    },
  };
}

function onWork(self: Inspector, infos: WorkInfo[]): void {
  const said = self.loaded ? describeChanges(self.byId, infos) : '';
  self.infos = infos;
  self.byId = new Map(infos.map((i) => [i.id, i]));
  self.loaded = true;
  render(self);
  if (said) self.view.changes.textContent = `Latest changes: ${said}`;
}

function render(self: Inspector): void {
  const { view } = self;
  const { tags, uniqueNames } = workFacets(self.infos);
  updateFacets(view.controls, tags, uniqueNames);
  const sort = readSort(view.controls);
  const rows = filterWork(self.infos, readFilter(view.controls), sort);
  preserveFocus(view.table.region, view.table.region, () =>
    renderTable(view.table, rows, self.infos.length, self.selectedId, sort),
  );
  preserveFocus(view.graphSection, view.graphHeading, () => renderChain(self));
  preserveFocus(view.detailsSection, view.detailsHeading, () =>
    view.detailsBody.replaceChildren(...renderDetails(self.selectedId, self.byId)),
  );
}

/** The selected work's chain, or the newest work's when none is selected. */
function renderChain(self: Inspector): void {
  const { view } = self;
  const focus =
    self.selectedId !== null && self.byId.has(self.selectedId)
      ? self.byId.get(self.selectedId)
      : newest(self.infos);
  if (!focus) {
    view.graphBody.replaceChildren(h('p', {}, 'No work to draw.'));
    return;
  }
  const chain = chainOf(focus.id, self.byId);
  const edges = chain.reduce(
    (n, i) => n + i.prerequisites.filter((p) => self.byId.has(p)).length,
    0,
  );
  const which = focus.id === self.selectedId ? 'the chosen work' : 'the newest work';
  const counts = `${countText(chain.length, 'work', 'works')}, ${countText(edges, 'dependency', 'dependencies')}`;
  const caption = `The chain of ${which}, ${focus.workerName} ${shortId(focus.id)}: ${counts}. Each box is a link to that work.`;
  const svg = renderGraph(chain, self.selectedId, `${view.prefix}-arrow`);
  view.graphBody.replaceChildren(
    h(
      'figure',
      { class: 'wi-figure' },
      h('div', { class: 'wi-graph-scroll' }, svg),
      h('figcaption', {}, caption),
    ),
  );
}

function newest(infos: readonly WorkInfo[]): WorkInfo | undefined {
  return infos.reduce<WorkInfo | undefined>(
    (a, b) => (!a || b.enqueuedAt > a.enqueuedAt ? b : a),
    undefined,
  );
}

function bindEvents(self: Inspector): () => void {
  const { view } = self;
  const onHash = () => select(self, workIdFromHash(location.hash), true);
  const onControls = () => render(self);
  const onClick = (event: MouseEvent) => void onAction(self, event);
  const onShow = () => {
    // A frozen or hidden page misses broadcasts: read the stored state again.
    if (document.visibilityState === 'visible') void self.manager.refresh();
  };
  window.addEventListener('hashchange', onHash);
  window.addEventListener('pageshow', onShow);
  document.addEventListener('visibilitychange', onShow);
  view.controls.form.addEventListener('change', onControls);
  view.root.addEventListener('click', onClick);
  return () => {
    window.removeEventListener('hashchange', onHash);
    window.removeEventListener('pageshow', onShow);
    document.removeEventListener('visibilitychange', onShow);
    view.controls.form.removeEventListener('change', onControls);
    view.root.removeEventListener('click', onClick);
  };
}

function select(self: Inspector, id: string | null, moveFocus: boolean): void {
  self.selectedId = id;
  render(self);
  // Following a link to a work shows its details: take the keyboard user there.
  if (moveFocus && id !== null) self.view.detailsHeading.focus();
}

async function onAction(self: Inspector, event: MouseEvent): Promise<void> {
  const target = event.target instanceof Element ? event.target.closest('button') : null;
  if (!target || !self.view.root.contains(target)) return;
  self.view.alert.textContent = '';
  try {
    const said = await runAction(self, target);
    if (said) self.view.status.textContent = said;
  } catch (error) {
    self.view.alert.textContent = `That did not work: ${(error as Error).message}`;
  }
}
