import { isFinished, type WorkInfo } from '../types';
import { h, type Child } from './dom';
import { constraintsText, dataText, durationText, nextRunMs, timeText } from './format';
import { failedItself, failureCause } from './planRetry';
import { resolveInput, shortId } from './resolveInput';
import { stateBadge } from './stateBadge';
import { workHref } from './workHref';

type Lookup = ReadonlyMap<string, WorkInfo>;

/** The details of one work, with the actions that apply to it; a hint when none is chosen. */
export function renderDetails(selectedId: string | null, byId: Lookup): Node[] {
  if (selectedId === null) {
    return [h('p', {}, 'Choose a work in the table or the graph to see its details.')];
  }
  const info = byId.get(selectedId);
  if (!info) {
    return [h('p', {}, `Work ${shortId(selectedId)} is no longer stored (it was pruned).`)];
  }
  return [actions(info, byId), fields(info, byId)];
}

function actions(info: WorkInfo, byId: Lookup): HTMLElement {
  const buttons: Child[] = [];
  if (!isFinished(info.state)) buttons.push(button('cancel-work', info.id, 'Cancel work'));
  if (failedItself(info, byId)) {
    buttons.push(button('retry', info.id, 'Retry work and its failed dependents'));
  }
  if (info.uniqueName !== undefined) {
    const name = info.uniqueName;
    buttons.push(button('cancel-unique', name, `Cancel unique work “${name}”`));
  }
  for (const tag of info.tags)
    buttons.push(button('cancel-tag', tag, `Cancel work tagged “${tag}”`));
  return h(
    'div',
    { class: 'wi-actions', role: 'group', 'aria-label': 'Actions on this work' },
    ...buttons,
    failedBecause(info, byId),
  );
}

function button(action: string, arg: string, label: string): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      'data-action': action,
      'data-arg': arg,
      'data-focus-key': `${action}:${arg}`,
    },
    label,
  );
}

function failedBecause(info: WorkInfo, byId: Lookup): HTMLElement | null {
  if (info.state !== 'FAILED' || failedItself(info, byId)) return null;
  const cause = failureCause(info, byId);
  return h(
    'p',
    {},
    'This work never ran: it failed because ',
    workLink(cause.id, byId, 'cause'),
    ' failed. Retry that work to run this one again.',
  );
}

function fields(info: WorkInfo, byId: Lookup): HTMLDListElement {
  const resolved = resolveInput(info, byId);
  const rows: [string, Child][] = [
    ['Id', h('code', {}, info.id)],
    ['Worker', info.workerName],
    ['State', stateBadge(info.state)],
    ['Unique name', info.uniqueName ?? 'none'],
    ['Tags', info.tags.join(', ') || 'none'],
    ['Attempts', String(info.runAttemptCount)],
    ['Generation', String(info.generation)],
    ['Enqueued', time(info.enqueuedAt)],
    ['Started', time(info.startedAt)],
    ['Finished', time(info.finishedAt)],
    ['Next run', time(nextRunMs(info))],
    ['Stop reason', info.stopReason],
    ['Input, as resolved when it ran', dataBlock(resolved.input, resolved.note)],
    ['Own input', dataBlock(info.input, null)],
    ['Output', dataBlock(info.outputData, null)],
    ['Error', info.error ? `${info.error.code}: ${info.error.message}` : 'none'],
    ['Progress', info.state === 'RUNNING' ? dataBlock(info.progress, null) : 'not running'],
    ['Constraints', constraintsText(info)],
    ['Backoff', `${info.backoff.policy}, ${durationText(info.backoff.delayMs)}`],
    ['Initial delay', durationText(info.initialDelayMs)],
    ['Periodicity', periodicityText(info)],
    ['Prerequisites', workList(info.prerequisites, byId)],
    ['Dependents', workList(info.dependents, byId)],
  ];
  return h(
    'dl',
    { class: 'wi-fields' },
    ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function time(ms: number | undefined): Child {
  const { text, iso } = timeText(ms);
  return iso
    ? h('time', { datetime: iso }, `${text} (${new Date(ms!).toLocaleDateString()})`)
    : text;
}

function dataBlock(data: WorkInfo['input'], note: string | null): Node {
  const block = h('pre', { class: 'wi-data' }, dataText(data));
  if (!note) return block;
  const wrap = document.createDocumentFragment();
  wrap.append(block, h('p', { class: 'wi-note' }, note));
  return wrap;
}

function periodicityText(info: WorkInfo): string {
  const p = info.periodicity;
  if (!p) return 'one-time';
  return `every ${durationText(p.intervalMs)}, flex ${durationText(p.flexMs)}`;
}

function workList(ids: readonly string[], byId: Lookup): Child {
  if (ids.length === 0) return 'none';
  return h('ul', { class: 'wi-links' }, ...ids.map((id) => h('li', {}, workLink(id, byId))));
}

function workLink(id: string, byId: Lookup, key = 'link'): Node {
  const info = byId.get(id);
  if (!info) return document.createTextNode(`${shortId(id)} (no longer stored)`);
  return h(
    'a',
    { href: workHref(id), 'data-focus-key': `${key}:${id}` },
    `${info.workerName} ${shortId(id)} (${info.state})`,
  );
}
