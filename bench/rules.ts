/**
 * Plasticity-rule benchmark (issue 5): the Diehl & Cook (2015) unsupervised MNIST network with 100
 * and 400 excitatory neurons, trained on the MNIST training set, neurons labelled from their
 * responses to the first `label` training images, tested on the MNIST test set.
 * Targets: 100 neurons >= 82 %, 400 >= 88 % (the paper: 82.9 % after 1 epoch, 87.0 % after 3).
 *
 *   npx tsx bench/rules.ts [--json]
 *   spikelab bench rules [--json]
 *
 * Environment (reduced runs): SPIKELAB_RULES_TRAIN (training images, default 60000),
 * SPIKELAB_RULES_TEST (default 10000), SPIKELAB_RULES_LABEL (labelling images, default 10000),
 * SPIKELAB_RULES_EPOCHS_100 / _400 (defaults 1 and 3, as in the paper),
 * SPIKELAB_RULES_SIZES (comma list, default "100,400").
 */
import { loadMnist } from '../core/data/mnist';
import { runDiehlCook, type ImageSet } from '../core/plasticity/diehlCookExperiment';

export interface BenchRow {
  suite: string;
  name: string;
  metric: string;
  value: number;
  unit: string;
}

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Expected a positive integer for ${name} but received "${v}"`);
  return n;
}

async function load(split: 'train' | 'test', limit: number): Promise<ImageSet> {
  const d = await loadMnist(split, { limit });
  return { images: d.images, labels: d.labels, count: d.count, features: d.rows * d.cols };
}

export async function run(opts: { json: boolean }): Promise<BenchRow[]> {
  const trainN = envInt('SPIKELAB_RULES_TRAIN', 60000);
  const testN = envInt('SPIKELAB_RULES_TEST', 10000);
  const labelN = envInt('SPIKELAB_RULES_LABEL', 10000);
  const sizes = (process.env.SPIKELAB_RULES_SIZES ?? '100,400').split(',').map((s) => Number(s.trim()));
  const [train, test] = await Promise.all([load('train', trainN), load('test', testN)]);
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Expected positive integers in SPIKELAB_RULES_SIZES but received "${n}"`);
    const epochs = envInt(`SPIKELAB_RULES_EPOCHS_${n}`, n >= 400 ? 3 : 1);
    const t0 = performance.now();
    const r = runDiehlCook(train, test, {
      params: { nExc: n },
      epochs,
      seed: 1,
      labelCount: labelN,
      onSample: opts.json
        ? undefined
        : (e, s) => {
            if ((s + 1) % 5000 === 0) process.stderr.write(`diehl-cook-${n}: epoch ${e + 1}/${epochs}, ${s + 1}/${train.count} images, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
          },
    });
    const wall = (performance.now() - t0) / 1000;
    const name = `diehl-cook-${n}`;
    rows.push(
      { suite: 'rules', name, metric: 'test_accuracy', value: r.accuracy, unit: 'fraction' },
      { suite: 'rules', name, metric: 'wall_s', value: wall, unit: 's' },
      { suite: 'rules', name, metric: 'train_s', value: r.trainSeconds, unit: 's' },
      { suite: 'rules', name, metric: 'train_images', value: train.count * epochs, unit: 'images' },
      { suite: 'rules', name, metric: 'test_images', value: test.count, unit: 'images' },
    );
    if (!opts.json) {
      process.stdout.write(`${name}: ${(r.accuracy * 100).toFixed(2)} % on ${test.count} test images after ${epochs} epoch(s) of ${train.count} images; train ${r.trainSeconds.toFixed(0)} s, eval ${r.evalSeconds.toFixed(0)} s, wall ${wall.toFixed(0)} s\n`);
    }
  }
  // With --json the caller (the CLI, or the entry point below) prints the rows.
  return rows;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  run({ json })
    .then((rows) => {
      if (json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    })
    .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
