/**
 * Layout of the builder's network diagram: one row per layer top to bottom (input first, decoder
 * last), layers of a residual block indented inside its frame, the shortcut branch after the main
 * branch, and the skip connection as a path from the block's input to its sum on the right edge.
 * Pure geometry so it is testable and cheap for 50+ layers; the SVG component only draws it.
 */
import type { DraftLayer } from './builderSpec';
import { pathKey, type Seg } from './builderSpec';

export interface DiagramNode {
  key: string;
  label: string;
  detail: string;
  kind: 'io' | 'layer' | 'block' | 'sum';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Shortcut-branch layers are drawn in a second tone. */
  shortcut: boolean;
}

export interface DiagramFrame {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DiagramLayout {
  nodes: DiagramNode[];
  frames: DiagramFrame[];
  /** SVG path data of the skip connections. */
  skips: string[];
  width: number;
  height: number;
}

export const ROW_H = 30;
const GAP = 8;
const INDENT = 16;
const WIDTH = 260;

const shape = (s: readonly number[] | undefined): string => (s && s.length ? s.join('×') : '?');

/** `shapes` maps a layer path (`layers[2].layers[0]`) to its output shape, when inspection knows it. */
export function layoutDiagram(
  layers: readonly DraftLayer[],
  shapes: ReadonlyMap<string, readonly number[]>,
  io: { input: readonly number[]; encoder: string; decoder: string },
): DiagramLayout {
  const nodes: DiagramNode[] = [];
  const frames: DiagramFrame[] = [];
  const skips: string[] = [];
  let y = GAP;
  const row = (n: Omit<DiagramNode, 'y' | 'h'>): DiagramNode => {
    const node = { ...n, y, h: ROW_H };
    nodes.push(node);
    y += ROW_H + GAP;
    return node;
  };

  row({ key: 'input', label: `input · ${io.encoder}`, detail: shape(io.input), kind: 'io', x: GAP, w: WIDTH, shortcut: false });

  const walk = (list: readonly DraftLayer[], prefix: Seg[], depth: number, shortcut: boolean): void => {
    list.forEach((layer, i) => {
      const path = [...prefix, i];
      const key = pathKey(path);
      const x = GAP + depth * INDENT;
      const w = WIDTH - depth * INDENT;
      const name = typeof layer.name === 'string' ? layer.name : '';
      const label = name ? `${layer.type} ${name}` : String(layer.type);
      if (layer.type !== 'residual') {
        row({ key, label, detail: shape(shapes.get(key)), kind: 'layer', x, w, shortcut });
        return;
      }
      const top = y;
      row({ key, label, detail: 'residual', kind: 'block', x, w, shortcut });
      if (Array.isArray(layer.layers)) walk(layer.layers as DraftLayer[], [...path, 'layers'], depth + 1, shortcut);
      const hasShortcut = Array.isArray(layer.shortcut) && layer.shortcut.length > 0;
      if (hasShortcut) walk(layer.shortcut as DraftLayer[], [...path, 'shortcut'], depth + 1, true);
      const sum = row({ key: `${key}:sum`, label: hasShortcut ? '+ shortcut' : '+ identity', detail: shape(shapes.get(key)), kind: 'sum', x: x + INDENT, w: w - INDENT, shortcut });
      frames.push({ key, x: x - 4, y: top - 4, w: w + 8, h: y - GAP - top + 8 });
      // The skip leaves the block's input row and re-enters at the sum, outside the main branch.
      const right = x + w + 10 + depth * 4;
      const y0 = top + ROW_H / 2;
      const y1 = sum.y + ROW_H / 2;
      skips.push(`M ${x + w} ${y0} C ${right + 12} ${y0}, ${right + 12} ${y1}, ${x + w} ${y1}`);
    });
  };
  walk(layers, ['layers'], 0, false);
  row({ key: 'decoder', label: `decoder · ${io.decoder}`, detail: '', kind: 'io', x: GAP, w: WIDTH, shortcut: false });
  return { nodes, frames, skips, width: WIDTH + GAP * 2 + 40, height: y };
}
