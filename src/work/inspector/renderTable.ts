import type { WorkInfo } from '../types';
import { h } from './dom';
import type { TimeField, WorkSort } from './filterWork';
import { nextRunMs, outputOrError, timeText } from './format';
import { shortId } from './resolveInput';
import { stateBadge } from './stateBadge';
import { workHref } from './workHref';

export interface TableView {
  /** The scrolling, focusable region around the table (it is wider than a phone). */
  region: HTMLElement;
  caption: HTMLTableCaptionElement;
  body: HTMLTableSectionElement;
  timeHeaders: Map<TimeField, HTMLTableCellElement>;
}

const COLUMNS: [label: string, time?: TimeField][] = [
  ['Id'],
  ['Worker'],
  ['State'],
  ['Unique name'],
  ['Tags'],
  ['Attempts'],
  ['Enqueued', 'enqueuedAt'],
  ['Started', 'startedAt'],
  ['Finished', 'finishedAt'],
  ['Next run'],
  ['Stop reason'],
  ['Output or error'],
];

export function createTable(captionId: string): TableView {
  const caption = h('caption', { id: captionId }, 'All work');
  const timeHeaders = new Map<TimeField, HTMLTableCellElement>();
  const headRow = h('tr');
  for (const [label, time] of COLUMNS) {
    const th = h('th', { scope: 'col' }, label);
    if (time) timeHeaders.set(time, th);
    headRow.append(th);
  }
  const body = h('tbody');
  const table = h('table', { class: 'wi-table' }, caption, h('thead', {}, headRow), body);
  // A focusable region, so that keyboard users can scroll a table wider than the screen.
  const region = h(
    'div',
    { class: 'wi-table-region', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
    table,
  );
  return { region, caption, body, timeHeaders };
}

export function renderTable(
  view: TableView,
  rows: readonly WorkInfo[],
  total: number,
  selectedId: string | null,
  sort: WorkSort,
): void {
  const shown = rows.length === total ? `${total}` : `${rows.length} of ${total}`;
  view.caption.textContent = `All work: ${shown} shown, ${sortText(sort)}`;
  for (const [field, th] of view.timeHeaders) {
    if (field === sort.field) th.setAttribute('aria-sort', sortAria(sort));
    else th.removeAttribute('aria-sort');
  }
  const trs = rows.map((info) => row(info, info.id === selectedId));
  if (trs.length === 0) trs.push(emptyRow(total));
  view.body.replaceChildren(...trs);
}

function row(info: WorkInfo, selected: boolean): HTMLTableRowElement {
  const link = h(
    'a',
    {
      href: workHref(info.id),
      'data-focus-key': `row:${info.id}`,
      'aria-current': selected ? 'true' : null,
      'aria-label': `${shortId(info.id)}, ${info.workerName}`,
    },
    shortId(info.id),
  );
  return h(
    'tr',
    { class: selected ? 'wi-selected' : null, 'data-work-id': info.id },
    h('th', { scope: 'row' }, link),
    h('td', {}, info.workerName),
    h('td', {}, stateBadge(info.state)),
    h('td', {}, info.uniqueName ?? '—'),
    h('td', {}, info.tags.join(', ')),
    h('td', { class: 'wi-num' }, info.runAttemptCount),
    timeCell(info.enqueuedAt),
    timeCell(info.startedAt),
    timeCell(info.finishedAt),
    timeCell(nextRunMs(info)),
    h('td', {}, info.stopReason),
    h('td', { class: 'wi-output' }, outputOrError(info)),
  );
}

function timeCell(ms: number | undefined): HTMLTableCellElement {
  const { text, iso } = timeText(ms);
  return h('td', {}, iso ? h('time', { datetime: iso }, text) : text);
}

function emptyRow(total: number): HTMLTableRowElement {
  const text = total === 0 ? 'No work is stored.' : 'No work matches these filters.';
  return h('tr', {}, h('td', { colspan: COLUMNS.length }, text));
}

const FIELD_TEXT: Record<TimeField, string> = {
  enqueuedAt: 'enqueued',
  startedAt: 'started',
  finishedAt: 'finished',
};

function sortText(sort: WorkSort): string {
  return `sorted by time ${FIELD_TEXT[sort.field]}, ${sort.order} first`;
}

function sortAria(sort: WorkSort): string {
  return sort.order === 'newest' ? 'descending' : 'ascending';
}
