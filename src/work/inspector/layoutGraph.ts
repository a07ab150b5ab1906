import type { WorkInfo } from '../types';

export interface GraphNode {
  info: WorkInfo;
  /** Distance from the chain's first works: the longest path of prerequisites. */
  layer: number;
  /** Position within the layer, in the order the works were enqueued. */
  row: number;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface ChainGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  layers: number;
  /** The widest layer's size. */
  rows: number;
}

/**
 * Every stored work connected to `id` through prerequisites or dependents, in the lookup's order
 * (the store's: enqueue order), which a clock's ties cannot reorder.
 */
export function chainOf(id: string, byId: ReadonlyMap<string, WorkInfo>): WorkInfo[] {
  const seen = new Map<string, WorkInfo>();
  const queue = [id];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const info = byId.get(next);
    if (!info || seen.has(next)) continue;
    seen.set(next, info);
    queue.push(...info.prerequisites, ...info.dependents);
  }
  return [...byId.values()].filter((info) => seen.has(info.id));
}

/** Layers a chain top to bottom: a work sits one layer below its deepest prerequisite. */
export function layoutGraph(chain: readonly WorkInfo[]): ChainGraph {
  const ids = new Set(chain.map((i) => i.id));
  const byId = new Map(chain.map((i) => [i.id, i]));
  const depth = new Map<string, number>();
  const layerOf = (info: WorkInfo, path: Set<string>): number => {
    const known = depth.get(info.id);
    if (known !== undefined) return known;
    // Stored graphs are acyclic; the path guard keeps a corrupted record from recursing forever.
    path.add(info.id);
    const parents = info.prerequisites.filter((p) => ids.has(p) && !path.has(p));
    const layer = Math.max(-1, ...parents.map((p) => layerOf(byId.get(p)!, path))) + 1;
    path.delete(info.id);
    depth.set(info.id, layer);
    return layer;
  };
  const counts: number[] = [];
  const nodes = chain.map((info) => {
    const layer = layerOf(info, new Set());
    const row = counts[layer] ?? 0;
    counts[layer] = row + 1;
    return { info, layer, row };
  });
  const edges = chain.flatMap((info) =>
    info.prerequisites.filter((p) => ids.has(p)).map((p) => ({ from: p, to: info.id })),
  );
  return { nodes, edges, layers: counts.length, rows: Math.max(0, ...counts) };
}
