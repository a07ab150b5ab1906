import type { WorkInfo, WorkState } from '../types';
import { svg } from './dom';
import { countText } from './format';
import { layoutGraph, type ChainGraph, type GraphNode } from './layoutGraph';
import { shortId } from './resolveInput';
import { workHref } from './workHref';

const W = 204;
const H = 54;
const GAP_X = 20;
const GAP_Y = 44;
const PAD = 8;

/** A symbol per state, so that states differ in shape as well as in colour. */
export const STATE_SYMBOL: Record<WorkState, string> = {
  ENQUEUED: '○',
  RUNNING: '▶',
  SUCCEEDED: '✓',
  FAILED: '✗',
  BLOCKED: '⏸',
  CANCELLED: '⊘',
};

/** The chain as an SVG: one link per work (state in words), one arrow per prerequisite. */
export function renderGraph(
  chain: readonly WorkInfo[],
  selectedId: string | null,
  markerId: string,
): SVGSVGElement {
  const graph = layoutGraph(chain);
  const width = PAD * 2 + Math.max(1, graph.rows) * (W + GAP_X) - GAP_X;
  const height = PAD * 2 + Math.max(1, graph.layers) * (H + GAP_Y) - GAP_Y;
  const place = placer(graph, width);
  const root = svg('svg', {
    class: 'wi-graph',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'group',
    'aria-label': `Chain graph: ${countText(graph.nodes.length, 'work', 'works')}, ${countText(graph.edges.length, 'dependency', 'dependencies')}`,
  });
  root.append(arrowMarker(markerId));
  for (const e of graph.edges) root.append(edge(place(e.from), place(e.to), markerId, e));
  for (const n of graph.nodes) root.append(node(n, place(n.info.id), n.info.id === selectedId));
  return root;
}

type Point = { x: number; y: number };

/** Top-left corner of each node; each layer is centred on the widest. */
function placer(graph: ChainGraph, width: number): (id: string) => Point {
  const counts = new Map<number, number>();
  for (const n of graph.nodes) counts.set(n.layer, (counts.get(n.layer) ?? 0) + 1);
  const points = new Map<string, Point>();
  for (const n of graph.nodes) {
    const layerWidth = (counts.get(n.layer) ?? 1) * (W + GAP_X) - GAP_X;
    const x = (width - layerWidth) / 2 + n.row * (W + GAP_X);
    points.set(n.info.id, { x, y: PAD + n.layer * (H + GAP_Y) });
  }
  return (id) => points.get(id) ?? { x: 0, y: 0 };
}

function arrowMarker(id: string): SVGDefsElement {
  const path = svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'wi-arrow' });
  const marker = svg(
    'marker',
    {
      id,
      viewBox: '0 0 10 10',
      refX: 10,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      orient: 'auto',
    },
    path,
  );
  return svg('defs', {}, marker);
}

function edge(from: Point, to: Point, markerId: string, e: { from: string; to: string }) {
  const [x1, y1] = [from.x + W / 2, from.y + H];
  const [x2, y2] = [to.x + W / 2, to.y];
  const mid = (y1 + y2) / 2;
  return svg('path', {
    class: 'wi-edge',
    d: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`,
    'marker-end': `url(#${markerId})`,
    'data-edge': `${e.from}>${e.to}`,
    'aria-hidden': 'true',
  });
}

function node(n: GraphNode, at: Point, selected: boolean): SVGAElement {
  const { info } = n;
  const name = info.workerName.length > 20 ? `${info.workerName.slice(0, 19)}…` : info.workerName;
  const state = info.state.toLowerCase();
  return svg(
    'a',
    {
      href: workHref(info.id),
      class: `wi-node wi-node-${state}`,
      'data-node': info.id,
      'data-focus-key': `node:${info.id}`,
      'aria-current': selected ? 'true' : null,
      'aria-label': `${info.workerName} ${shortId(info.id)}: ${info.state}`,
    },
    svg('rect', { x: at.x, y: at.y, width: W, height: H, rx: 8, class: 'wi-node-box' }),
    svg('text', { x: at.x + 12, y: at.y + 22, class: 'wi-node-name' }, name),
    svg(
      'text',
      { x: at.x + 12, y: at.y + 42, class: 'wi-node-state' },
      `${STATE_SYMBOL[info.state]} ${info.state} · ${shortId(info.id)}`,
    ),
  );
}
