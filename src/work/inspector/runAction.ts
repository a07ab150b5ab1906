import { downloadExport } from './exportWork';
import { countText } from './format';
import type { Inspector } from './mountInspector';
import { planRetry } from './planRetry';
import { shortId } from './resolveInput';
import { retryWork } from './retryWork';
import { workHref } from './workHref';

/** An empty query matches every work: the inspector observes all of them. */
export const ALL_WORK = {};

/** Runs the action a button stands for; returns what to tell the person, or null. */
export async function runAction(
  self: Inspector,
  button: HTMLButtonElement,
): Promise<string | null> {
  const { manager, view } = self;
  if (button === view.prune) return prune(self);
  if (button === view.exportButton) {
    const fileName = downloadExport(self.name, self.infos);
    return `Exported ${countText(self.infos.length, 'work', 'works')} as ${fileName}.`;
  }
  const arg = button.dataset.arg ?? '';
  switch (button.dataset.action) {
    case 'cancel-work':
      await manager.cancelWorkById(arg);
      return `Cancelled work ${shortId(arg)} and the work that depends on it.`;
    case 'cancel-unique':
      await manager.cancelUniqueWork(arg);
      return `Cancelled unique work “${arg}”.`;
    case 'cancel-tag':
      await manager.cancelAllWorkByTag(arg);
      return `Cancelled work tagged “${arg}”.`;
    case 'retry':
      return retry(self, arg);
    default:
      return null;
  }
}

async function prune(self: Inspector): Promise<string> {
  const before = (await self.manager.getWorkInfos(ALL_WORK)).length;
  await self.manager.pruneWork();
  const removed = before - (await self.manager.getWorkInfos(ALL_WORK)).length;
  return `Pruned ${countText(removed, 'finished work', 'finished works')}.`;
}

async function retry(self: Inspector, id: string): Promise<string> {
  const plan = planRetry(id, self.infos);
  const created = await retryWork(self.manager, plan);
  const rootId = created.get(id)!;
  const behind = created.size - 1;
  location.hash = workHref(rootId);
  const worker = self.byId.get(id)?.workerName ?? 'work';
  const deps = countText(behind, 'dependent', 'dependents');
  return `Retried ${worker} ${shortId(id)} as ${shortId(rootId)}, with ${deps} behind it.`;
}
