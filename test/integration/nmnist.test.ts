/**
 * Event data end to end through the CLI and the real engine: `train --preset nmnist-conv --data`
 * on a small subset of the real N-MNIST samples (a few batches; the loss must fall and validation
 * accuracy beat chance; batches stream from the loader's worker, framed once and then read from the
 * frame cache), then `eval <run> --data --labels --json` with the run's final weights.
 * Skipped with a message where ../shared/data is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import type { TrainOutcome } from '../../cli/commands/train';
import type { MetricRecord } from '../../core/api/contract';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../unit/data/sharedData';
import { captureIo } from '../unit/cli/cliHarness';
import { tempDir } from '../unit/lab/helpers';

const t = tempDir('spikelab-nmnist-');
// The training worker inherits this process's environment: keep the frame cache in the temp folder.
const frameCache = join(t.dir, 'frames');
const savedCache = process.env.SPIKELAB_FRAME_CACHE;
process.env.SPIKELAB_FRAME_CACHE = frameCache;
afterAll(() => {
  if (savedCache === undefined) delete process.env.SPIKELAB_FRAME_CACHE;
  else process.env.SPIKELAB_FRAME_CACHE = savedCache;
  t.cleanup();
});

describe('spikelab eval (usage)', () => {
  it('needs a run id and --data (exit 2); an unknown run is exit 1', async () => {
    const a = captureIo();
    expect(await main(['eval', '--data', t.dir], a.io)).toBe(2);
    const b = captureIo();
    expect(await main(['eval', 'some-run'], b.io)).toBe(2);
    expect(b.err()).toContain('--data');
    const c = captureIo();
    expect(await main(['eval', 'no-such-run', '--data', t.dir, '--workspace', join(t.dir, 'ws0')], c.io)).toBe(1);
    expect(c.err()).toMatch(/NOT_FOUND/);
  });

  it('train --labels without --data is a usage error', async () => {
    const c = captureIo();
    expect(await main(['train', '--preset', 'nmnist-conv', '--labels', 'x.csv'], c.io)).toBe(2);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('nmnist-conv on the real N-MNIST samples', () => {
  const folder = sharedPath(NMNIST_SMALL);
  const ws = join(t.dir, 'ws');
  let runId = '';

  it('trains a few batches: loss falls, validation accuracy above chance', async () => {
    const c = captureIo();
    const code = await main(
      ['train', '--preset', 'nmnist-conv', '--data', folder, '--epochs', '3', '--batch-size', '16', '--train-limit', '128', '--test-limit', '50', '--timesteps', '6', '--workspace', ws, '--json'],
      c.io,
    );
    expect(c.err()).not.toMatch(/error/);
    expect(code).toBe(0);
    const r = JSON.parse(c.out()) as TrainOutcome;
    runId = r.runId;
    expect(r.status).toBe('completed');
    expect(r.finalTestAccuracy).toBeGreaterThan(0.25); // chance is 0.1
    const metrics = readFileSync(join(r.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricRecord);
    const batches = metrics.filter((m) => m.kind === 'batch');
    const epochs = metrics.filter((m) => m.kind === 'epoch');
    expect(epochs).toHaveLength(3);
    expect(epochs[2].loss).toBeLessThan(batches[0].loss * 0.8);
    const config = JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')) as { data?: { path: string } };
    expect(config.data?.path).toBe(folder);
    // Epoch 1 framed the 128 training files; epochs 2 and 3 read every one from the cache.
    const log = readFileSync(join(r.runDir, 'log.txt'), 'utf8');
    expect(log).toMatch(/data epoch 1: 8 batches .*cache 0 hits, 128 misses/);
    expect(log).toMatch(/data epoch 3: 8 batches .*cache 128 hits, 0 misses/);
    expect(readdirSync(frameCache).filter((f) => f.endsWith('.slfr'))).toHaveLength(128 + 50);
  }, 60_000);

  it('eval reports {accuracy, samples} with the final weights on a labelled folder', async () => {
    expect(runId).not.toBe('');
    const rows = readFileSync(join(folder, 'INDEX.csv'), 'utf8').trim().split('\n').slice(-50);
    const csv = join(t.dir, 'last50.csv');
    const c = captureIo();
    // Relative names would resolve against the CSV's (temp) folder, so the CSV holds absolute paths.
    writeFileSync(csv, `file,label\n${rows.map((l) => { const r = l.split(','); return `${join(folder, r[0])},${r[3]}`; }).join('\n')}\n`);
    expect(await main(['eval', runId, '--data', folder, '--labels', csv, '--workspace', ws, '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out()) as { accuracy: number; samples: number; runId: string };
    expect(r.samples).toBe(50);
    expect(r.runId).toBe(runId);
    expect(r.accuracy).toBeGreaterThan(0.2);
    expect(r.accuracy).toBeLessThanOrEqual(1);
  }, 30_000);
});
