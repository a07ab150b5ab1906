import { h } from './dom';
import { WORK_STATES, type TimeField, type WorkFilter, type WorkSort } from './filterWork';

export interface ControlsView {
  form: HTMLFormElement;
  state: HTMLSelectElement;
  tag: HTMLSelectElement;
  uniqueName: HTMLSelectElement;
  sort: HTMLSelectElement;
}

const SORTS: [TimeField, string][] = [
  ['enqueuedAt', 'Enqueued'],
  ['startedAt', 'Started'],
  ['finishedAt', 'Finished'],
];

function labelled(id: string, label: string, select: HTMLSelectElement): HTMLElement {
  select.id = id;
  return h('div', { class: 'wi-field' }, h('label', { for: id }, label), select);
}

/** Filters and sort: plain labelled selects, applied as they change (no submit needed). */
export function createControls(prefix: string): ControlsView {
  const state = h('select', {}, h('option', { value: '' }, 'Any state'));
  state.append(...WORK_STATES.map((s) => h('option', { value: s }, s)));
  const tag = h('select', {}, h('option', { value: '' }, 'Any tag'));
  const uniqueName = h('select', {}, h('option', { value: '' }, 'Any unique name'));
  const sort = h('select');
  for (const [field, text] of SORTS) {
    sort.append(h('option', { value: `${field}:newest` }, `${text}, newest first`));
    sort.append(h('option', { value: `${field}:oldest` }, `${text}, oldest first`));
  }
  const form = h(
    'form',
    { class: 'wi-filters', 'aria-label': 'Filter and sort work' },
    labelled(`${prefix}-state`, 'State', state),
    labelled(`${prefix}-tag`, 'Tag', tag),
    labelled(`${prefix}-unique`, 'Unique name', uniqueName),
    labelled(`${prefix}-sort`, 'Sort by time', sort),
  );
  form.addEventListener('submit', (event) => event.preventDefault());
  return { form, state, tag, uniqueName, sort };
}

/** Offers the tags and names now stored, keeping a chosen one even after its work is gone. */
export function updateFacets(view: ControlsView, tags: string[], uniqueNames: string[]): void {
  setOptions(view.tag, 'Any tag', tags);
  setOptions(view.uniqueName, 'Any unique name', uniqueNames);
}

function setOptions(select: HTMLSelectElement, anyText: string, values: string[]): void {
  const chosen = select.value;
  const all = chosen && !values.includes(chosen) ? [...values, chosen].sort() : values;
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join('\n') === all.join('\n')) return;
  select.replaceChildren(
    h('option', { value: '' }, anyText),
    ...all.map((v) => h('option', { value: v }, v)),
  );
  select.value = chosen;
}

export function readFilter(view: ControlsView): WorkFilter {
  return {
    state: view.state.value as WorkFilter['state'],
    tag: view.tag.value,
    uniqueName: view.uniqueName.value,
  };
}

export function readSort(view: ControlsView): WorkSort {
  const [field, order] = view.sort.value.split(':') as [TimeField, WorkSort['order']];
  return { field, order };
}
