import type { TraceFn } from '../../work';

/**
 * The e2e build logs the scheduler's decisions (see src/work/README.md, "Debugging"), which a
 * failing e2e test attaches; the production build passes no trace at all.
 */
export function e2eTrace(where: 'worker' | 'sw'): TraceFn | undefined {
  if (!__E2E__) return undefined;
  return (event, detail) => console.debug(`[work:${where}] ${event} ${JSON.stringify(detail)}`);
}
