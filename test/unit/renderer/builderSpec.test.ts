import { describe, expect, it } from 'vitest';
import { layoutDiagram } from '../../../renderer/src/lib/builderDiagram';
import {
  countLayers,
  getAt,
  insertLayer,
  issuesByKey,
  leftoverIssues,
  moveLayer,
  parseFieldText,
  parseShapeText,
  pathKey,
  removeLayer,
  setAt,
  type DraftSpec,
} from '../../../renderer/src/lib/builderSpec';

const draft = (): DraftSpec => ({
  name: 'd',
  layers: [
    { type: 'dense', units: 4 },
    { type: 'residual', layers: [{ type: 'batchnorm' }, { type: 'neuron', neuron: { model: 'lif' } }] },
    { type: 'flatten' },
  ],
});

describe('builder spec editing', () => {
  it('writes paths in the validator form', () => {
    expect(pathKey(['layers', 2, 'layers', 0, 'kernel'])).toBe('layers[2].layers[0].kernel');
    expect(pathKey(['decoder', 'classes'])).toBe('decoder.classes');
  });

  it('sets, deletes and creates nested values', () => {
    const d = draft();
    setAt(d, ['layers', 1, 'layers', 1, 'neuron', 'surrogate', 'alpha'], 3);
    expect(getAt(d, ['layers', 1, 'layers', 1, 'neuron', 'surrogate'])).toEqual({ alpha: 3 });
    setAt(d, ['layers', 0, 'units'], undefined);
    expect('units' in d.layers[0]).toBe(false);
  });

  it('inserts, removes and moves layers, also inside residual branches', () => {
    const d = draft();
    insertLayer(d, ['layers'], 1, { type: 'dropout', rate: 0.1 });
    expect(d.layers.map((l) => l.type)).toEqual(['dense', 'dropout', 'residual', 'flatten']);
    moveLayer(d, ['layers'], 1, 3);
    expect(d.layers.map((l) => l.type)).toEqual(['dense', 'residual', 'flatten', 'dropout']);
    moveLayer(d, ['layers'], 0, 99);
    expect(d.layers.map((l) => l.type)).toEqual(['residual', 'flatten', 'dropout', 'dense']);
    insertLayer(d, ['layers', 0, 'shortcut'], 0, { type: 'conv2d', filters: 2, kernel: 1 });
    expect(countLayers(d.layers)).toBe(7);
    // Emptying the shortcut removes it: an absent shortcut is the identity.
    removeLayer(d, ['layers', 0, 'shortcut'], 0);
    expect('shortcut' in d.layers[0]).toBe(false);
    removeLayer(d, ['layers'], 3);
    expect(d.layers.map((l) => l.type)).toEqual(['residual', 'flatten', 'dropout']);
  });

  it('turns field text into values, keeping invalid text for the validator to name', () => {
    expect(parseFieldText({ kind: 'integer' }, ' 12 ')).toBe(12);
    expect(parseFieldText({ kind: 'integer' }, '1.5')).toBe(1.5);
    expect(parseFieldText({ kind: 'integer' }, 'abc')).toBe('abc');
    expect(parseFieldText({ kind: 'number' }, '')).toBeUndefined();
    expect(parseFieldText({ kind: 'number' }, '1e-5')).toBe(1e-5);
    expect(parseFieldText({ kind: 'pair', values: ['same'] }, 'same')).toBe('same');
    expect(parseFieldText({ kind: 'pair' }, '3, 5')).toEqual([3, 5]);
    expect(parseFieldText({ kind: 'pair' }, '[3 x 5]')).toEqual([3, 5]);
    expect(parseFieldText({ kind: 'pair' }, '-1')).toBe(-1);
    expect(parseFieldText({ kind: 'bool' }, 'false')).toBe(false);
    expect(parseShapeText('1, 28, 28')).toEqual([1, 28, 28]);
    expect(parseShapeText('1x28x28')).toEqual([1, 28, 28]);
    expect(parseShapeText('28 by 28')).toBe('28 by 28');
  });

  it('keys issues by absolute field path and finds those no field shows', () => {
    const by = issuesByKey([
      { path: 'layers[0] (dense "fc").units', layerIndex: 0, field: 'units', message: 'bad units' },
      { path: 'layers[0] (dense "fc").unitz', layerIndex: 0, field: 'unitz', message: 'unknown field' },
      { path: 'layers[1] (residual "b").layers[0] (conv2d "b.c").kernel', layerIndex: 1, field: 'layers[0].kernel', message: 'bad kernel' },
      { path: 'layers[2] (dense "x")', layerIndex: 2, field: null, message: 'needs flatten' },
      { path: 'decoder (voting).classes', layerIndex: null, field: 'decoder.classes', message: 'groups' },
      { path: '(root)', layerIndex: null, field: null, message: 'not an object' },
    ]);
    expect(by.get('layers[0].units')).toEqual(['bad units']);
    expect(by.get('layers[1].layers[0].kernel')).toEqual(['bad kernel']);
    expect(by.get('decoder.classes')).toEqual(['groups']);
    expect(by.get('(root)')).toEqual(['not an object']);
    expect(leftoverIssues(by, 'layers[0]', ['type', 'name', 'units', 'bias'])).toEqual(['unitz: unknown field']);
    expect(leftoverIssues(by, 'layers[2]', ['units'])).toEqual(['needs flatten']);
    // The residual's branch fields show their own issues.
    expect(leftoverIssues(by, 'layers[1]', ['name', 'layers', 'shortcut'])).toEqual([]);
  });
});

describe('builder diagram layout', () => {
  it('stacks rows, frames residual blocks and draws one skip per block', () => {
    const d = draft();
    d.layers.push({ type: 'residual', layers: [{ type: 'relu' }], shortcut: [{ type: 'relu' }] });
    const shapes = new Map([['layers[0]', [4]], ['layers[1]', [4]], ['layers[1].layers[0]', [4]]]);
    const l = layoutDiagram(d.layers, shapes, { input: [8], encoder: 'poisson', decoder: 'rate' });
    expect(l.nodes[0]).toMatchObject({ key: 'input', detail: '8' });
    expect(l.nodes.at(-1)?.key).toBe('decoder');
    expect(l.skips).toHaveLength(2);
    expect(l.frames.map((f) => f.key)).toEqual(['layers[1]', 'layers[3]']);
    const inner = l.nodes.find((n) => n.key === 'layers[1].layers[0]')!;
    const outer = l.nodes.find((n) => n.key === 'layers[0]')!;
    expect(inner.x).toBeGreaterThan(outer.x);
    expect(l.nodes.find((n) => n.key === 'layers[3].shortcut[0]')?.shortcut).toBe(true);
    // Rows never overlap and the canvas holds them all.
    const ys = l.nodes.map((n) => n.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(l.height).toBeGreaterThan(ys.at(-1)!);
    expect(l.nodes.find((n) => n.key === 'layers[2]')?.detail).toBe('?');
  });

  it('lays out a 200-layer spec', () => {
    const layers = Array.from({ length: 200 }, (_, i) => ({ type: i % 2 ? 'neuron' : 'dense', units: 8 }));
    const l = layoutDiagram(layers, new Map(), { input: [8], encoder: 'rate', decoder: 'rate' });
    expect(l.nodes).toHaveLength(202);
  });
});
