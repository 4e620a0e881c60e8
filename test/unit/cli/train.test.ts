/** `spikelab train` with --method, --option and --config: request building, usage errors (exit 2), a real short run. */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../cli/main';
import { UsageError } from '../../../cli/args';
import { buildTrainRequest, type TrainOutcome } from '../../../cli/commands/train';
import { tempDir } from '../lab/helpers';
import { captureIo } from './cliHarness';

const t = tempDir('spikelab-cli-train-');
afterAll(() => t.cleanup());

describe('train --method / --option', () => {
  it('types option values by the method table: numbers, enums, booleans, lists', () => {
    const { request } = buildTrainRequest(['--preset', 'mnist-conv-conversion', '--option', 'percentile=99.5', '--option', 'normalisation=model', '--option', 'tGrid=1,4,16', '--option', 'neuron=lif']);
    expect(request.methodOptions).toEqual({ percentile: 99.5, normalisation: 'model', tGrid: [1, 4, 16], neuron: 'lif' });
    expect(request.method).toBeUndefined();
    const h = buildTrainRequest(['--preset', 'mnist-conv-conversion', '--method', 'hybrid', '--option', 'learnLeak=false', '--option=annEpochs=2']).request;
    expect(h).toMatchObject({ method: 'hybrid', methodOptions: { learnLeak: false, annEpochs: 2 } });
  });

  it('reports bad methods and options as usage errors naming them', () => {
    const err = (argv: string[]): string => {
      try {
        buildTrainRequest(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('expected a usage error');
    };
    expect(err(['--preset', 'mnist-mlp', '--method', 'magic'])).toMatch(/unknown training method "magic".*conversion/);
    expect(err(['--preset', 'mnist-mlp', '--option', 'percentile=99'])).toMatch(/method bptt has no option "percentile"; options: loss/);
    expect(err(['--preset', 'mnist-mlp', '--option', 'clipNorm'])).toMatch(/key=value/);
    expect(err(['--preset', 'mnist-conv-conversion', '--option', 'percentile=lots'])).toMatch(/percentile of conversion expects a number, got "lots"/);
    expect(err(['--preset', 'mnist-conv-conversion', '--option', 'percentile=10'])).toMatch(/option "percentile" expected a number >= 50 <= 100, got 10/);
    expect(err(['--preset', 'mnist-conv-conversion', '--option', 'encoder=latency'])).toMatch(/one of direct, poisson/);
    expect(err(['--preset', 'mnist-conv-hybrid', '--option', 'learnLeak=yes'])).toMatch(/true or false/);
    expect(err(['--preset', 'mnist-conv-conversion', '--option', 'tGrid=1,,4'])).toMatch(/comma-separated list/);
    expect(err(['--preset', 'mnist-mlp', '--option', 'loss=ce', '--option', 'loss=ce'])).toMatch(/given twice/);
  });

  it('reads method, options and model from --config; flags merge over it', () => {
    const file = join(t.dir, 'run.json');
    writeFileSync(file, JSON.stringify({ preset: 'mnist-conv-conversion', method: 'conversion-ttfs', methodOptions: { percentile: 99 }, settings: { epochs: 1 } }));
    const { request } = buildTrainRequest(['--config', file, '--option', 'ttfsSteps=2,4']);
    expect(request).toMatchObject({ preset: 'mnist-conv-conversion', method: 'conversion-ttfs', methodOptions: { percentile: 99, ttfsSteps: [2, 4] }, settings: { epochs: 1 } });
    writeFileSync(file, JSON.stringify({ preset: 'mnist-mlp', methodOptions: { loss: 'hinge' } }));
    expect(() => buildTrainRequest(['--config', file])).toThrow(/option "loss" expected one of preset/);
    expect(() => buildTrainRequest([file, '--config', file])).toThrow(/config file once/);
  });

  it('exits 2 on a usage error, lists methods with --methods, and trains with chosen options', async () => {
    const bad = captureIo();
    expect(await main(['train', '--preset', 'mnist-mlp', '--option', 'nope=1'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/no option "nope"/);
    const list = captureIo();
    expect(await main(['train', '--methods'], list.io)).toBe(0);
    expect(list.out()).toMatch(/^conversion-ttfs {2}\(conversion\)/m);
    expect(list.out()).toContain('--option normalisation=data  (data|model|balance|none)');
    const ok = captureIo();
    const ws = join(t.dir, 'ws');
    const code = await main(['train', '--preset', 'mnist-mlp', '--option', 'optimizer=sgd', '--option', 'schedule=step', '--epochs', '1', '--train-limit', '32', '--test-limit', '8', '--timesteps', '2', '--batch-size', '16', '--json', '--workspace', ws], ok.io);
    expect(code).toBe(0);
    const outcome = JSON.parse(ok.out()) as TrainOutcome;
    const config = JSON.parse(readFileSync(join(outcome.runDir, 'config.json'), 'utf8')) as { method: string; methodOptions: unknown };
    expect(config).toMatchObject({ method: 'bptt', methodOptions: { optimizer: 'sgd', schedule: 'step' } });
  }, 60_000);
});
