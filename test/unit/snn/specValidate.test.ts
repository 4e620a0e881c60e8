import { describe, expect, it } from 'vitest';
import {
  SpecError,
  checkModelSpec,
  formatIssue,
  inferShapes,
  migrateSpec,
  validateModelSpec,
  type SpecMigration,
} from '../../../core/snn/specValidate';
import { convSpec, exampleSpecs, mlpSpec, resnetSpec } from './specExamples';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function issuesOf(raw: unknown): string[] {
  const r = checkModelSpec(raw);
  if (r.ok) return [];
  return r.issues.map(formatIssue);
}

describe('validateModelSpec', () => {
  it.each(Object.keys(exampleSpecs))('accepts the %s example and returns an equal copy', (key) => {
    const spec = exampleSpecs[key];
    const out = validateModelSpec(clone(spec));
    expect(out).toEqual(spec);
  });

  it('names the layer, field, expectation and value in a path', () => {
    const bad = clone(convSpec) as unknown as { layers: Record<string, unknown>[] };
    bad.layers[3].kernel = -1;
    expect(issuesOf(bad)).toEqual(['layers[3] (conv2d "conv2").kernel: expected a positive integer or a pair [h, w] of them, got -1']);
    try {
      validateModelSpec(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).code).toBe('SPEC_INVALID');
      expect((e as SpecError).issues[0].code).toBe('SPEC_RANGE');
    }
  });

  it('collects every error, not just the first', () => {
    const bad = clone(mlpSpec) as unknown as Record<string, unknown> & { layers: Record<string, unknown>[] };
    bad.timesteps = 0;
    bad.layers[0].units = 'ten';
    bad.layers[1].neuron = { model: 'lif', beta: 1.5, reset: 'hrad', surrogate: { kind: 'arctan' } };
    bad.layers[2].rate = 1;
    bad.layers[3].unitz = 5;
    bad.decoder = { type: 'votes' };
    const lines = issuesOf(bad);
    expect(lines).toEqual([
      'timesteps: expected an integer in [1, 100000], got 0',
      'decoder.type: unknown decoder type "votes" (did you mean "voting"?); expected one of spikeCount, rate, membrane, firstSpike, voting',
      'layers[0] (dense "fc1").units: expected a positive integer, got "ten"',
      'layers[1] (neuron "lif1").neuron.beta: expected a number in [0, 1], got 1.5',
      'layers[1] (neuron "lif1").neuron.reset: expected one of "hard", "soft", "none", got "hrad" (did you mean "hard"?)',
      'layers[1] (neuron "lif1").neuron.surrogate.alpha: required field is missing',
      'layers[2] (dropout "dropout3").rate: expected a number in [0, 1), got 1',
      'layers[3] (dense "fc2").unitz: unknown field (did you mean "units"?); allowed: name, units, bias',
    ]);
  });

  it('checks the format, root type and required top-level fields', () => {
    expect(issuesOf(42)).toEqual(['(root): expected a model spec object, got 42']);
    expect(issuesOf({ ...mlpSpec, format: 'other' })).toEqual(['format: expected "spikelab.model", got "other"; is this a SpikeLab model file?']);
    const { layers: _l, encoder: _e, ...rest } = clone(mlpSpec);
    expect(issuesOf(rest)).toEqual(['encoder: required field is missing', 'layers: required field is missing']);
    expect(issuesOf({ ...mlpSpec, input: [1, 28] })).toEqual(['input: expected [features] or [channels, height, width] of positive integers, got an array [1, 28]']);
  });

  it('rejects cross-field conflicts in neurons and layers', () => {
    const bad = clone(mlpSpec) as unknown as { layers: Record<string, unknown>[] };
    bad.layers[1].neuron = { model: 'if', beta: 0.5, adaptDecay: 0.9 };
    bad.layers[4].neuron = { model: 'lif', vReset: 1.2, threshold: 1, tau: 4 };
    expect(issuesOf(bad)).toEqual([
      'layers[1] (neuron "lif1").neuron: "if" has no leak; remove beta/tau',
      'layers[1] (neuron "lif1").neuron: adaptDecay/adaptStrength apply only to model "alif", not "if"',
      'layers[4] (neuron "lif2").neuron.tau: tau applies only to form "tau" (form is the default "decay"); add "form": "tau" or give beta',
      'layers[4] (neuron "lif2").neuron.vReset: must be below the threshold 1, got 1.2 (the neuron would fire every step)',
    ]);
    const conv = clone(convSpec) as unknown as { layers: Record<string, unknown>[] };
    conv.layers[0] = { type: 'conv2d', name: 'conv1', filters: 20, kernel: 4, stride: 2, padding: 'same' };
    expect(issuesOf(conv)).toEqual([
      'layers[0] (conv2d "conv1").padding: "same" needs stride 1, got 2',
      'layers[0] (conv2d "conv1").padding: "same" needs an odd kernel, got 4',
    ]);
  });

  it('rejects duplicate and malformed names, including inside residual blocks', () => {
    const bad = clone(resnetSpec) as unknown as { layers: Record<string, unknown>[] };
    bad.layers[4].name = 'stem';
    (bad.layers[3].layers as Record<string, unknown>[])[1].name = 'bad.name';
    (bad.layers[3].layers as Record<string, unknown>[])[0].type = 'conv';
    expect(issuesOf(bad)).toEqual([
      'layers[3] (residual "block1").layers[0].type: unknown layer type "conv" (did you mean "conv2d"?); expected one of dense, conv2d, avgpool, maxpool, flatten, relu, batchnorm, tdbn, dropout, delay, neuron, residual',
      "layers[3] (residual \"block1\").layers[1] (batchnorm \"block1.bad.name\").name: expected a name of letters, digits, '_' or '-' starting with a letter or '_', got \"bad.name\"",
      'layers[4] (neuron "stem").name: layer name "stem" is already used by layers[0]',
    ]);
  });
});

describe('version migration', () => {
  it('refuses versions newer than this build and malformed versions', () => {
    const r = checkModelSpec({ ...mlpSpec, version: 2 });
    expect(r.ok).toBe(false);
    expect(() => validateModelSpec({ ...mlpSpec, version: 2 })).toThrow(SpecError);
    try {
      validateModelSpec({ ...mlpSpec, version: 2 });
    } catch (e) {
      expect((e as SpecError).code).toBe('SPEC_VERSION');
      expect((e as SpecError).message).toMatch(/version 2 is newer than this SpikeLab reads \(1\)/);
    }
    expect(issuesOf({ ...mlpSpec, version: 'one' })).toEqual(['version: expected a positive integer, got "one"']);
  });

  it('chains migrations from an old version up to the target', () => {
    const renameUnits: SpecMigration = (s) => ({
      ...s,
      layers: (s.layers as Record<string, unknown>[]).map((l) => ('size' in l && l.type === 'dense' ? { type: 'dense', units: l.size } : l)),
    });
    const addDecoder: SpecMigration = (s) => ({ ...s, decoder: s.decoder ?? { type: 'rate' } });
    const migrations = new Map([[1, renameUnits], [2, addDecoder]]);
    const old = { ...mlpSpec, version: 1, layers: [{ type: 'dense', size: 10 }], decoder: undefined };
    const r = migrateSpec(old, migrations, 3);
    expect('spec' in r && r.spec).toMatchObject({ version: 3, layers: [{ type: 'dense', units: 10 }], decoder: { type: 'rate' } });
    const missing = migrateSpec(old, new Map([[1, renameUnits]]), 3);
    expect('issue' in missing && missing.issue.message).toBe('no migration from version 2 to 3');
  });
});

describe('inferShapes', () => {
  it('follows conv, pool and flatten arithmetic through 20C5-P2-50C5-P2-200FC-10FC', () => {
    const r = inferShapes(convSpec);
    expect(r.layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['conv1', [20, 24, 24]],
      ['sn1', [20, 24, 24]],
      ['pool1', [20, 12, 12]],
      ['conv2', [50, 8, 8]],
      ['sn2', [50, 8, 8]],
      ['pool2', [50, 4, 4]],
      ['flat', [800]],
      ['fc1', [200]],
      ['sn3', [200]],
      ['fc2', [10]],
      ['out', [10]],
    ]);
    expect(r.output).toEqual([10]);
    // Direct encoding feeds conv1 analog values; conv2 sees spikes of sn1 through the max pool.
    expect(r.layers[0].inputKind).toBe('analog');
    expect(r.layers[3]).toMatchObject({ inputKind: 'binary', eventSource: 'sn1' });
    expect(r.layers[7]).toMatchObject({ inputKind: 'binary', eventSource: 'sn2' });
    expect(r.outputKind).toBe('analog');
  });

  it('names and shapes residual branches and checks that they match', () => {
    const r = inferShapes(resnetSpec);
    const byName = Object.fromEntries(r.layers.map((l) => [l.name, l]));
    expect(byName['block1'].outputShape).toEqual([8, 16, 16]);
    expect(byName['block1.conv2d1'].depth).toBe(1);
    expect(byName['block2.conv2d1'].outputShape).toEqual([16, 8, 8]);
    expect(byName['block2.shortcut.conv2d1'].outputShape).toEqual([16, 8, 8]);
    expect(byName['gap'].outputShape).toEqual([16, 1, 1]);
    expect(r.output).toEqual([10]);

    const bad = clone(resnetSpec);
    (bad.layers[5] as { shortcut?: unknown[] }).shortcut = undefined;
    expect(issuesOf(bad)).toEqual([
      'layers[5] (residual "block2"): main branch output [16, 8, 8] does not match the block input (identity shortcut) [8, 16, 16]; add a shortcut that maps one to the other',
    ]);
    expect(() => validateModelSpec(bad)).toThrow(expect.objectContaining({ code: 'SPEC_SHAPE' }) as Error);
  });

  it('explains shape errors: dense on maps, window too large, delay, decoder', () => {
    const a = clone(convSpec);
    a.layers.splice(6, 1); // drop flatten
    expect(issuesOf(a)).toEqual(['layers[6] (dense "fc1"): dense expects a flat input [features], got [50, 4, 4]; add a flatten layer before it']);
    const b = clone(convSpec);
    b.layers[3] = { type: 'conv2d', name: 'conv2', filters: 50, kernel: 13 };
    expect(issuesOf(b)).toEqual(['layers[3] (conv2d "conv2").kernel: kernel 13x13 with padding 0,0 does not fit the input 12x12']);
    const c = clone(mlpSpec);
    c.layers.push({ type: 'delay', steps: 25 });
    c.decoder = { type: 'voting', classes: 3 };
    expect(issuesOf(c)).toEqual(['layers[5] (delay "delay6").steps: a delay of 25 steps leaves nothing of 25 timesteps; use fewer than 25']);
    c.layers.pop();
    expect(issuesOf(c)).toEqual(['decoder (voting).classes: 10 output neurons cannot be split into 3 equal voting groups']);
    const d = clone(convSpec);
    d.layers = d.layers.slice(0, 3);
    expect(issuesOf(d)).toEqual(['decoder (membrane): expects a flat network output [outputs], got [20, 12, 12]; end with flatten + dense']);
  });

  it('marks dropout on spikes as events, not binary', () => {
    const r = inferShapes(mlpSpec);
    expect(r.layers[3]).toMatchObject({ name: 'fc2', inputKind: 'events', eventSource: 'lif1' });
    expect(r.layers[0]).toMatchObject({ inputKind: 'binary', eventSource: 'encoder' });
  });
});
