/**
 * End-to-end slice benchmark: train a preset (default mnist-mlp) for one epoch on MNIST with the
 * fastest kernels available and print epoch time and test accuracy.
 *   npx tsx bench/slice.ts [--preset mnist-mlp] [--train N] [--test N] [--epochs 1] [--kernels reference]
 */
import type { MetricRecord, RunConfig } from '../core/api/contract';
import { referenceKernels } from '../core/snn/kernels/reference';
import { getKernels } from '../core/snn/kernels/index';
import { createBpttTrainer } from '../core/train/bptt';
import { getPreset } from '../core/train/presets';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const preset = getPreset(arg('preset') ?? 'mnist-mlp');
  const num = (k: string): number | null => (arg(k) === undefined ? null : Number(arg(k)));
  const settings = {
    ...preset.summary.defaults,
    trainLimit: num('train'),
    testLimit: num('test'),
    epochs: num('epochs') ?? 1,
    timesteps: num('T') ?? preset.summary.defaults.timesteps,
    batchSize: num('batch') ?? preset.summary.defaults.batchSize,
    learningRate: num('lr') ?? preset.summary.defaults.learningRate,
  };
  const config: RunConfig = { preset: preset.summary.name, name: 'bench', method: 'bptt', dataset: 'mnist', model: preset.model, settings };
  const kernels = arg('kernels') === 'reference' ? () => ({ kernels: referenceKernels, note: 'forced by --kernels reference' }) : getKernels;
  const t0 = Date.now();
  const epochs: MetricRecord[] = [];
  const train = createBpttTrainer({ kernels, reportEvery: 50 });
  const result = await train(
    config,
    {
      metric: (m) => {
        if (m.kind === 'epoch') epochs.push(m);
        const acc = m.testAccuracy !== null ? ` test ${(m.testAccuracy * 100).toFixed(2)}%` : '';
        console.log(`${m.kind} e${m.epoch} ${m.step}/${m.stepsPerEpoch} loss ${m.loss.toFixed(4)} train ${((m.trainAccuracy ?? 0) * 100).toFixed(1)}%${acc} ${m.samplesPerSecond?.toFixed(0)} samples/s rates ${JSON.stringify(Object.fromEntries(Object.entries(m.firingRates).map(([k, v]) => [k, Number(v.toFixed(3))])))}`);
      },
      wantSpikes: () => false,
      spikes: () => {},
      checkpoint: async () => {},
      control: async () => 'continue',
      log: (s) => console.log(s),
      curve: () => {},
      wantPlasticity: () => false,
      plasticity: () => {},
    },
    null,
  );
  const wall = (Date.now() - t0) / 1000;
  for (const e of epochs) console.log(`epoch ${e.epoch + 1}: ${(e.elapsedMs / 1000).toFixed(1)} s elapsed, ${e.samplesPerSecond?.toFixed(0)} train samples/s, test accuracy ${((e.testAccuracy ?? 0) * 100).toFixed(2)}%`);
  console.log(`total wall ${wall.toFixed(1)} s (data load, training, evaluation); final test accuracy ${((result.finalTestAccuracy ?? 0) * 100).toFixed(2)}%`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
