/**
 * Learning-methods benchmark (issue 4): trains each method family on MNIST with its paper's recipe
 * and reports test accuracy, epochs and wall time beside the issue's target; for conversion also
 * accuracy against T.
 *
 *   npx tsx bench/methods.ts [--json] [--only NAME[,NAME]] [--train-limit N] [--test-limit N]
 *                            [--epochs N] [--curve N]
 *   spikelab bench methods [--json]            (SPIKELAB_BENCH_ONLY=NAME for one method)
 *
 * Names: conversion-rate, conversion-ttfs, asf, bptt, adm, single-spike, hybrid.
 * Without budget flags a run is the full one: 60k/10k images and the recipe's epochs, which takes
 * hours on a laptop CPU for the BPTT-family methods. The flags (or the environment variables
 * SPIKELAB_METHODS_TRAIN_LIMIT, _TEST_LIMIT, _EPOCHS, _CURVE) shrink a run; a shrunk run's rows
 * are not evidence for a target.
 * Rows: {suite: 'methods', name, metric: 'test_accuracy' | 'epochs' | 'wall_s', value, unit};
 * conversion adds 'ann_test_accuracy' and 'test_accuracy@T=<T>' rows (rate and TTFS curves).
 */
import type { MetricRecord, RunConfig, TrainSettings } from '../core/api/contract';
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

interface Plan {
  preset: string;
  method: string;
  /** Overrides of the preset's defaults that make the run the paper's recipe. */
  settings: Partial<TrainSettings>;
  options: Record<string, unknown>;
  /** The issue's target, printed beside the measured value (percent test accuracy). */
  target: string;
}

// The ANN recipe shared by conversion and hybrid: Adam 1e-3 annealed to zero over 15 epochs reaches
// the ~99.4 % the conversion papers start from (Rueckauer et al. 2017, Table 1: 99.44 % LeNet);
// conversion inherits the ANN's last fraction of a point, so the schedule matters.
const ANN = { epochs: 15, batchSize: 64, learningRate: 1e-3 };

const PLAN: Record<BenchName, Plan> = {
  // Rueckauer et al. 2017: 99.9th-percentile data normalisation, reset by subtraction, direct
  // (analog) input; the deployed point is T = 32 and the curve runs to 256.
  'conversion-rate': { preset: 'mnist-conv-conversion', method: 'conversion', settings: { ...ANN, timesteps: 32 }, options: { annSchedule: 'cosine', normalisation: 'data', percentile: 99.9 }, target: '>= 99.3 % at T <= 32; within 0.1 % of the ANN at T = 128' },
  // The rate curve is conversion-rate's row; here only the deployed T, to spend the time on TTFS.
  'conversion-ttfs': { preset: 'mnist-conv-ttfs', method: 'conversion-ttfs', settings: { ...ANN }, options: { annSchedule: 'cosine', tGrid: [32] }, target: '(none in the issue)' },
  // ASF, BPTT and ADM: the preset's optimiser, T and learning rate with a 30-epoch budget; not yet
  // checked against the papers' schedules (no full run of these in this round).
  asf: { preset: 'mnist-conv-asf', method: 'asf', settings: { epochs: 30 }, options: {}, target: '>= 99.6 %' },
  bptt: { preset: 'mnist-conv', method: 'bptt', settings: { epochs: 30 }, options: { schedule: 'cosine' }, target: '>= 99.5 %' },
  adm: { preset: 'mnist-conv-adm', method: 'adm', settings: { epochs: 30 }, options: {}, target: '>= 99.3 %' },
  // S4NN (Kheradpisheh & Masquelier 2020, Sec. 3.1 and the authors' code): t_max = 256, gamma = 3,
  // per-image SGD, weights U(0, 5) and U(0, 48) for threshold 100, dead hidden neurons re-drawn
  // after each epoch. The paper's rate, 0.2 for threshold 100, is 0.002 here (threshold 1); 0.01
  // decayed by 0.9 per epoch learns faster (10k images, 1 epoch: 83.2 % against 75.3 %, measured).
  // The batch of 100 only spaces metrics: updates happen per image. `shift: 1` with the `crossing`
  // tie-break was measured on full data and left out: 95.89 % after 30 epochs, no better than
  // 95.88 % after 20 without.
  'single-spike': { preset: 'mnist-s4nn', method: 'single-spike', settings: { epochs: 30, timesteps: 256, batchSize: 100, learningRate: 0.01 }, options: { optimizer: 'online', init: 'uniform', initMax: [0.05, 0.48], lrDecay: 0.9, deadReset: 0.001, silentPenalty: 0 }, target: '>= 97.5 %' },
  // DIET-SNN (Rathi & Roy 2020): converted ANN (conversion's cosine-annealed ANN recipe), then
  // BPTT at T = 5 annealed to zero by cosine over the 10 fine-tuning epochs (DIET-SNN decays its
  // rate in steps; the 10 epochs are a budget, not the paper's schedule).
  hybrid: { preset: 'mnist-conv-hybrid', method: 'hybrid', settings: { epochs: 10, timesteps: 5, batchSize: ANN.batchSize, learningRate: 1e-3 }, options: { annEpochs: ANN.epochs, annLearningRate: ANN.learningRate, annSchedule: 'cosine', snnSchedule: 'cosine' }, target: '>= 99.3 % at T <= 5' },
};

/** A budget flag's value: `--name N` on the command line, else the environment variable. */
function budget(argv: readonly string[], flag: string, env: string): number | null {
  const i = argv.indexOf(flag);
  const v = i >= 0 ? argv[i + 1] : process.env[env];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${i >= 0 ? flag : env} must be a non-negative integer, got "${v}"`);
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

export async function run(opts: { json: boolean; only?: readonly string[]; argv?: readonly string[] }): Promise<BenchRow[]> {
  const argv = opts.argv ?? process.argv;
  const names = opts.only && opts.only.length ? selected(['--only', opts.only.join(',')]) : selected(argv);
  const positive = (v: number | null, what: string): number | null => {
    if (v === 0) throw new RangeError(`${what} must be at least 1`);
    return v;
  };
  const trainLimit = positive(budget(argv, '--train-limit', 'SPIKELAB_METHODS_TRAIN_LIMIT'), '--train-limit');
  const testLimit = positive(budget(argv, '--test-limit', 'SPIKELAB_METHODS_TEST_LIMIT'), '--test-limit');
  const epochs = positive(budget(argv, '--epochs', 'SPIKELAB_METHODS_EPOCHS'), '--epochs');
  // 0 = the whole (limited) test set, so a full run's curve is measured on all 10k images.
  const curve = budget(argv, '--curve', 'SPIKELAB_METHODS_CURVE') ?? 0;
  const rows: BenchRow[] = [];
  for (const name of names) {
    const plan = PLAN[name];
    const p = getPreset(plan.preset);
    const options: Record<string, unknown> = { ...plan.options };
    if (plan.method.startsWith('conversion')) options.curveSamples = curve;
    // A shrunk hybrid run shrinks its ANN phase too.
    if (epochs !== null && typeof options.annEpochs === 'number') options.annEpochs = Math.min(options.annEpochs, epochs);
    const config: RunConfig & { methodOptions: Record<string, unknown> } = {
      preset: plan.preset,
      name: `bench-${name}`,
      method: plan.method,
      dataset: 'mnist',
      model: p.model,
      settings: { ...p.summary.defaults, ...plan.settings, trainLimit, testLimit, ...(epochs !== null ? { epochs } : {}) },
      methodOptions: options,
    };
    const hooks = progressHooks(name, opts.json);
    const s = config.settings;
    hooks.log(`recipe: ${s.epochs} epochs, batch ${s.batchSize}, lr ${s.learningRate}, T ${s.timesteps}, train ${trainLimit ?? 'all'}, test ${testLimit ?? 'all'}, options ${JSON.stringify(options)}`);
    const t0 = Date.now();
    const r = await getTrainMethod(plan.method)(config, hooks, null);
    const wall = (Date.now() - t0) / 1000;
    const add = (metric: string, value: number, unit: string): void => {
      rows.push({ suite: 'methods', name, metric, value, unit });
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

/** The human-readable table: each method's accuracy row carries the issue's target beside it. */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = [`${'method'.padEnd(16)} ${'metric'.padEnd(24)} ${'value'.padStart(10)}  target`];
  for (const r of rows) {
    const target = r.metric === 'test_accuracy' ? PLAN[r.name as BenchName]?.target ?? '' : '';
    lines.push(`${r.name.padEnd(16)} ${r.metric.padEnd(24)} ${`${r.value.toFixed(r.unit === '%' ? 2 : 1)} ${r.unit}`.padStart(10)}  ${target}`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  run({ json }).then(
    (rows) => {
      if (json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else process.stdout.write(formatTable(rows));
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
