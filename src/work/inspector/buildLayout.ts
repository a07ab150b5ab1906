import { h } from './dom';
import { createControls, type ControlsView } from './renderControls';
import { createTable, type TableView } from './renderTable';

export interface InspectorView {
  /** Unique per mount: ids inside (labels, the SVG arrow marker) never clash. */
  prefix: string;
  root: HTMLElement;
  controls: ControlsView;
  prune: HTMLButtonElement;
  exportButton: HTMLButtonElement;
  /** What an action did. */
  status: HTMLElement;
  /** State changes as they arrive, kept apart so that they never hide an action's result. */
  changes: HTMLElement;
  alert: HTMLElement;
  table: TableView;
  graphSection: HTMLElement;
  graphHeading: HTMLElement;
  graphBody: HTMLElement;
  detailsSection: HTMLElement;
  detailsHeading: HTMLElement;
  detailsBody: HTMLElement;
}

let mounts = 0;

/** The inspector's static frame; the live parts are re-rendered into its bodies. */
export function buildLayout(): InspectorView {
  const prefix = `wi${++mounts}`;
  const controls = createControls(prefix);
  const prune = h('button', { type: 'button' }, 'Prune finished work');
  const exportButton = h('button', { type: 'button' }, 'Export as JSON');
  const status = h('p', { class: 'wi-status', role: 'status' });
  const changes = h('p', { class: 'wi-changes', role: 'log', 'aria-label': 'Latest changes' });
  const alert = h('p', { class: 'wi-alert', role: 'alert' });
  const table = createTable(`${prefix}-caption`);
  const graphHeading = h('h2', { id: `${prefix}-graph`, tabindex: -1 }, 'Chain graph');
  const graphBody = h('div', { class: 'wi-graph-body' });
  const graphSection = h(
    'section',
    { class: 'wi-panel', 'aria-labelledby': graphHeading.id },
    graphHeading,
    graphBody,
  );
  const detailsHeading = h('h2', { id: `${prefix}-details`, tabindex: -1 }, 'Details');
  const detailsBody = h('div', { class: 'wi-details-body' });
  const detailsSection = h(
    'section',
    { class: 'wi-panel', 'aria-labelledby': detailsHeading.id },
    detailsHeading,
    detailsBody,
  );
  const toolbar = h(
    'div',
    { class: 'wi-toolbar', role: 'group', 'aria-label': 'All work' },
    prune,
    exportButton,
  );
  const root = h(
    'div',
    { class: 'work-inspector' },
    h('div', { class: 'wi-top' }, controls.form, toolbar),
    status,
    changes,
    alert,
    table.region,
    h('div', { class: 'wi-panels' }, graphSection, detailsSection),
  );
  return {
    prefix,
    root,
    controls,
    prune,
    exportButton,
    status,
    changes,
    alert,
    table,
    graphSection,
    graphHeading,
    graphBody,
    detailsSection,
    detailsHeading,
    detailsBody,
  };
}
