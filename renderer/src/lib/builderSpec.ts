/**
 * Editing a model spec draft in the builder: paths into the draft, layer list operations, and the
 * text <-> value mapping of form fields. The draft is deliberately loose (whatever the user typed,
 * even "abc" in a number field, goes in) because the lab service's inspectModel is the one judge:
 * its issues come back located by path and are shown beside the field that holds the bad value.
 */
import type { CatalogField, ModelIssue } from '../../../core/api/contract';

export type Seg = string | number;
export type DraftLayer = Record<string, unknown> & { type: string };
export type DraftSpec = Record<string, unknown> & { layers: DraftLayer[] };

/** ['layers', 2, 'layers', 0, 'kernel'] -> `layers[2].layers[0].kernel`, the validator's path form. */
export function pathKey(path: readonly Seg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(root: unknown, path: readonly Seg[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isRecord(cur) ? cur[seg] : undefined;
  }
  return cur;
}

/** Sets (or, for undefined, deletes) the value at `path`, creating missing objects on the way. */
export function setAt(root: Record<string, unknown>, path: readonly Seg[], value: unknown): void {
  if (path.length === 0) throw new Error('setAt: empty path');
  let cur: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const next: unknown = (cur as Record<string | number, unknown>)[seg];
    if (typeof next === 'object' && next !== null) cur = next as Record<string, unknown>;
    else {
      const made: Record<string, unknown> | unknown[] = typeof path[i + 1] === 'number' ? [] : {};
      (cur as Record<string | number, unknown>)[seg] = made;
      cur = made;
    }
  }
  const last = path[path.length - 1];
  if (value === undefined && !Array.isArray(cur)) delete (cur as Record<string, unknown>)[last as string];
  else (cur as Record<string | number, unknown>)[last] = value;
}

/** The layer list at `listPath` (['layers'], ['layers', 2, 'shortcut'], ...), created if it is an absent branch. */
export function listAt(spec: DraftSpec, listPath: readonly Seg[]): DraftLayer[] {
  const v = getAt(spec, listPath);
  if (Array.isArray(v)) return v as DraftLayer[];
  setAt(spec, listPath, []);
  return getAt(spec, listPath) as DraftLayer[];
}

export function insertLayer(spec: DraftSpec, listPath: readonly Seg[], index: number, layer: DraftLayer): void {
  const list = listAt(spec, listPath);
  list.splice(Math.max(0, Math.min(index, list.length)), 0, layer);
}

export function removeLayer(spec: DraftSpec, listPath: readonly Seg[], index: number): void {
  const list = listAt(spec, listPath);
  list.splice(index, 1);
  // An empty shortcut means identity; drop it so the saved spec says so plainly.
  const last = listPath[listPath.length - 1];
  if (last === 'shortcut' && list.length === 0) setAt(spec, listPath, undefined);
}

/** Moves within one list; `to` is the index the layer ends up at. */
export function moveLayer(spec: DraftSpec, listPath: readonly Seg[], from: number, to: number): void {
  const list = listAt(spec, listPath);
  if (from < 0 || from >= list.length) return;
  const target = Math.max(0, Math.min(to, list.length - 1));
  if (target === from) return;
  const [item] = list.splice(from, 1);
  list.splice(target, 0, item);
}

/** Total layers including those inside residual blocks (for the header and diagram sizing). */
export function countLayers(list: readonly DraftLayer[]): number {
  let n = 0;
  for (const l of list) {
    n++;
    if (Array.isArray(l.layers)) n += countLayers(l.layers as DraftLayer[]);
    if (Array.isArray(l.shortcut)) n += countLayers(l.shortcut as DraftLayer[]);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Field text

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value a form field's text stands for: '' = absent; numbers where the text is a number; for
 * pairs "3", "3,5", "3x5" or "[3, 5]"; anything else is kept as typed so the validator can name it.
 */
export function parseFieldText(field: Pick<CatalogField, 'kind' | 'values'>, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  switch (field.kind) {
    case 'number':
    case 'integer':
      return NUMBER.test(t) ? Number(t) : t;
    case 'pair': {
      if (field.values?.includes(t)) return t;
      if (NUMBER.test(t)) return Number(t);
      const parts = t.replace(/^\[|\]$/g, '').split(/\s*[,x×]\s*|\s+/);
      if (parts.length === 2 && parts.every((p) => NUMBER.test(p))) return parts.map(Number);
      return t;
    }
    case 'bool':
      return t === 'true' ? true : t === 'false' ? false : t;
    default:
      return t;
  }
}

export function formatFieldValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Issues

/** Issue messages by absolute field key (`layers[2].neuron.beta`, `decoder.classes`, `(root)`). */
export function issuesByKey(issues: readonly ModelIssue[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const i of issues) {
    const key = i.layerIndex !== null ? pathKey(['layers', i.layerIndex]) + (i.field ? (i.field.startsWith('[') ? i.field : `.${i.field}`) : '') : (i.field ?? '(root)');
    const list = m.get(key);
    if (list) list.push(i.message);
    else m.set(key, [i.message]);
  }
  return m;
}

/**
 * Messages at `base` itself or under it whose first segment is not one of `shown` (the fields the
 * editor renders, which show their own): e.g. an unknown field, or a shape problem of the layer.
 */
export function leftoverIssues(byKey: ReadonlyMap<string, string[]>, base: string, shown: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, msgs] of byKey) {
    if (key === base) out.push(...msgs);
    else if (key.startsWith(`${base}.`)) {
      const first = key.slice(base.length + 1).split(/[.[]/)[0];
      if (!shown.includes(first)) out.push(...msgs.map((m) => `${first}: ${m}`));
    }
  }
  return out;
}

/** "1, 28, 28" or "1x28x28" -> [1, 28, 28]; anything else is kept as typed for the validator to name. */
export function parseShapeText(text: string): unknown {
  const t = text.trim().replace(/^\[|\]$/g, '');
  if (t === '') return undefined;
  const parts = t.split(/\s*[,x×]\s*|\s+/);
  return parts.every((p) => NUMBER.test(p)) ? parts.map(Number) : text;
}
