import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../../../cli/args';
import { buildTrainRequest } from '../../../cli/commands/train';
import { renderProgress, formatSeconds } from '../../../cli/progressBar';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../lab/helpers';

const spec = { port: 'int', host: 'string', lr: 'number', json: 'boolean' } as const;

describe('parseArgs', () => {
  it('parses values in both forms, booleans and positionals', () => {
    const r = parseArgs(['a.json', '--port', '8080', '--host=0.0.0.0', '--lr', '1e-3', '--json', '--', '--not-a-flag'], spec, 'x');
    expect(r.positionals).toEqual(['a.json', '--not-a-flag']);
    expect(r.flags).toEqual({ port: 8080, host: '0.0.0.0', lr: 0.001, json: true });
  });

  it('rejects unknown, repeated, valueless and mistyped flags with the flag named', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--bogus'], /unknown option --bogus/],
      [['-x'], /unknown option -x/],
      [['--port'], /--port needs a value/],
      [['--port', '--json'], /--port needs a value/],
      [['--port', '80.5'], /--port must be an integer, got "80.5"/],
      [['--lr', 'fast'], /--lr must be a number, got "fast"/],
      [['--json=yes'], /--json takes no value/],
      [['--port', '1', '--port', '2'], /--port given twice/],
      [['--host='], /--host needs a non-empty value/],
      [['--constructor', '1'], /unknown option --constructor/],
    ];
    for (const [argv, msg] of bad) {
      expect(() => parseArgs(argv, spec, 'x'), argv.join(' ')).toThrow(UsageError);
      expect(() => parseArgs(argv, spec, 'x'), argv.join(' ')).toThrow(msg);
    }
  });
});

describe('train arguments', () => {
  it('maps flags onto settings overrides', () => {
    const { request, json, workspace } = buildTrainRequest(['--preset', 'mnist-mlp', '--epochs', '3', '--batch-size', '64', '--lr', '0.002', '--timesteps', '10', '--train-limit', '500', '--test-limit', '100', '--seed', '7', '--json', '--workspace', '/tmp/w']);
    expect(request).toEqual({ preset: 'mnist-mlp', settings: { epochs: 3, batchSize: 64, learningRate: 0.002, timesteps: 10, trainLimit: 500, testLimit: 100, seed: 7 } });
    expect(json).toBe(true);
    expect(workspace).toBe('/tmp/w');
  });

  it('reads a config file, flags override its settings, and bad files are named', () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'run.json');
      writeFileSync(p, JSON.stringify({ preset: 'p', settings: { epochs: 5, seed: 1 }, name: 'mine' }));
      expect(buildTrainRequest([p, '--epochs', '2']).request).toEqual({ preset: 'p', settings: { epochs: 2, seed: 1 }, name: 'mine' });
      writeFileSync(p, '{"preset": 1}');
      expect(() => buildTrainRequest([p])).toThrow('config.preset must be a non-empty string, got 1');
      writeFileSync(p, '{oops');
      expect(() => buildTrainRequest([p])).toThrow(/is not valid JSON/);
      expect(() => buildTrainRequest([join(t.dir, 'missing.json')])).toThrow(/cannot read config file .*missing\.json/);
      expect(() => buildTrainRequest([p, '--preset', 'x'])).toThrow(/either a config file or --preset/);
      expect(() => buildTrainRequest([])).toThrow(UsageError);
    } finally {
      t.cleanup();
    }
  });
});

describe('progress rendering', () => {
  it('draws a bar with rate and ETA', () => {
    const line = renderProgress({ runId: 'r', epoch: 0, step: 49, stepsPerEpoch: 100, samplesPerSecond: 1234.4, etaSeconds: 75 }, 2, 10);
    expect(line).toBe('epoch 1/2 [#####.....]  50%  1234 samples/s  ETA 1m15s');
    expect(formatSeconds(3725)).toBe('1h02m');
  });
});
