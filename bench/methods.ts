/**
 * Learning-methods benchmark (issue 4): trains each method family on MNIST from its preset and
 * reports test accuracy, epochs and wall time; for conversion also accuracy against T.
 *
 *   npx tsx bench/methods.ts [--json] [--only NAME[,NAME]]
 *   spikelab bench methods [--only NAME] [--json]
 *
 * Names: conversion-rate, conversion-ttfs, asf, bptt, adm, single-spike, hybrid.
 * Full runs (60k/10k, the preset epochs) take hours on a laptop CPU; the environment shrinks them:
 *   SPIKELAB_METHODS_TRAIN_LIMIT  training samples (default: all 60000)
 *   SPIKELAB_METHODS_TEST_LIMIT   test samples (default: all 10000)
 *   SPIKELAB_METHODS_EPOCHS       epochs for every method (default: each preset's)
 *   SPIKELAB_METHODS_CURVE        test samples for the conversion curves (default 2000)
 * Rows: {suite: 'methods', name, metric: 'test_accuracy' | 'epochs' | 'wall_s', value, unit};
 * conversion adds metric 'test_accuracy@T=<T>' rows (rate and TTFS curves).
 */
import type { MetricRecord, RunConfig } from '../core/api/contract';
import { getTrainMethod } from '../core/train/index';
import { getPreset } from '../core/train/presets';
import type { TrainHooks } from '../core/train/types';

export interface BenchRow {
  suite: string;
  name: string;
  metric: string;
  value: number;
  unit: string;
}

export const METHOD_BENCH_NAMES = ['conversion-rate', 'conversion-ttfs', 'asf', 'bptt', 'adm', 'single-spike', 'hybrid'] as const;
type BenchName = (typeof METHOD_BENCH_NAMES)[number];

const PLAN: Record<BenchName, { preset: string; method: string; options: Record<string, unknown> }> = {
  'conversion-rate': { preset: 'mnist-conv-conversion', method: 'conversion', options: {} },
  // The rate curve is conversion-rate's row; here only the deployed T, to spend the time on TTFS.
  'conversion-ttfs': { preset: 'mnist-conv-ttfs', method: 'conversion-ttfs', options: { tGrid: [32] } },
  asf: { preset: 'mnist-conv-asf', method: 'asf', options: {} },
  bptt: { preset: 'mnist-conv', method: 'bptt', options: {} },
  adm: { preset: 'mnist-conv-adm', method: 'adm', options: {} },
  'single-spike': { preset: 'mnist-s4nn', method: 'single-spike', options: {} },
  hybrid: { preset: 'mnist-conv-hybrid', method: 'hybrid', options: {} },
};

function envInt(name: string): number | null {
  const v = process.env[name];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got "${v}"`);
  return n;
}

function progressHooks(name: string, quiet: boolean): TrainHooks {
  let last = 0;
  return {
    metric(m: MetricRecord) {
      if (quiet) return;
      const now = Date.now();
      if (m.kind === 'epoch' || now - last > 5000) {
        last = now;
        process.stderr.write(`[${name}] epoch ${m.epoch + 1} batch ${m.kind === 'batch' ? m.step + 1 : m.step}/${m.stepsPerEpoch} loss ${m.loss.toFixed(4)}${m.testAccuracy !== null ? ` test ${(m.testAccuracy * 100).toFixed(2)} %` : ''}\n`);
      }
    },
    wantSpikes: () => false,
    spikes: () => {},
    checkpoint: async () => {},
    control: async () => 'continue',
    curve: () => {},
    wantPlasticity: () => false,
    plasticity: () => {},
    log: (msg: string) => {
      if (!quiet) process.stderr.write(`[${name}] ${msg}\n`);
    },
  };
}

function selected(argv: readonly string[]): BenchName[] {
  const i = argv.indexOf('--only');
  const raw = i >= 0 ? argv[i + 1] : process.env.SPIKELAB_BENCH_ONLY;
  if (!raw) return [...METHOD_BENCH_NAMES];
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(METHOD_BENCH_NAMES as readonly string[]).includes(n)) throw new RangeError(`unknown method "${n}"; one of ${METHOD_BENCH_NAMES.join(', ')}`);
  return names as BenchName[];
}

export async function run(opts: { json: boolean; only?: readonly string[] }): Promise<Array<{ suite: string; name: string; metric: string; value: number; unit: string }>> {
  const names = opts.only && opts.only.length ? selected(['--only', opts.only.join(',')]) : selected(process.argv);
  const trainLimit = envInt('SPIKELAB_METHODS_TRAIN_LIMIT');
  const testLimit = envInt('SPIKELAB_METHODS_TEST_LIMIT');
  const epochs = envInt('SPIKELAB_METHODS_EPOCHS');
  const curve = envInt('SPIKELAB_METHODS_CURVE') ?? 2000;
  const rows: BenchRow[] = [];
  for (const name of names) {
    const plan = PLAN[name];
    const p = getPreset(plan.preset);
    const options: Record<string, unknown> = { ...plan.options };
    if (plan.method.startsWith('conversion')) options.curveSamples = curve;
    const config: RunConfig & { methodOptions: Record<string, unknown> } = {
      preset: plan.preset,
      name: `bench-${name}`,
      method: plan.method,
      dataset: 'mnist',
      model: p.model,
      settings: { ...p.summary.defaults, trainLimit, testLimit, ...(epochs !== null ? { epochs } : {}) },
      methodOptions: options,
    };
    const t0 = Date.now();
    const r = await getTrainMethod(plan.method)(config, progressHooks(name, opts.json), null);
    const wall = (Date.now() - t0) / 1000;
    const add = (metric: string, value: number, unit: string): void => {
      rows.push({ suite: 'methods', name, metric, value, unit });
      if (!opts.json) process.stderr.write(`[${name}] ${metric} = ${value.toFixed(unit === '%' ? 2 : 1)} ${unit}\n`);
    };
    add('test_accuracy', (r.finalTestAccuracy ?? 0) * 100, '%');
    add('epochs', r.epochsDone, 'epochs');
    add('wall_s', wall, 's');
    const extra = r as typeof r & { curve?: Array<{ coding: string; timesteps: number; accuracy: number }>; annTestAccuracy?: number | null };
    if (typeof extra.annTestAccuracy === 'number') add('ann_test_accuracy', extra.annTestAccuracy * 100, '%');
    if (extra.curve) {
      const coding = name === 'conversion-ttfs' ? undefined : 'rate';
      for (const pt of extra.curve) if (!coding || pt.coding === coding) add(`test_accuracy@T=${pt.timesteps}${pt.coding === 'ttfs' ? ' ttfs' : ''}`, pt.accuracy * 100, '%');
    }
  }
  return rows;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  run({ json }).then(
    (rows) => {
      if (json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else for (const r of rows) process.stdout.write(`${r.name.padEnd(16)} ${r.metric.padEnd(24)} ${r.value.toFixed(r.unit === '%' ? 2 : 1)} ${r.unit}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
