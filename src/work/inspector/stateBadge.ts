import type { WorkState } from '../types';
import { h } from './dom';

/** A state named in words; colour and a symbol only repeat what the text says. */
export function stateBadge(state: WorkState): HTMLSpanElement {
  return h('span', { class: `wi-state wi-state-${state.toLowerCase()}` }, state);
}
