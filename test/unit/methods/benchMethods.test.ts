import { describe, expect, it } from 'vitest';
import { formatTable, run } from '../../../bench/methods';

describe('methods bench', () => {
  it('prints the issue target beside each accuracy row only', () => {
    const out = formatTable([
      { suite: 'methods', name: 'single-spike', metric: 'test_accuracy', value: 97.61, unit: '%' },
      { suite: 'methods', name: 'single-spike', metric: 'wall_s', value: 12.3, unit: 's' },
    ]).split('\n');
    expect(out[1]).toMatch(/single-spike\s+test_accuracy\s+97\.61 %\s+>= 97\.5 %$/);
    expect(out[2]).toMatch(/wall_s\s+12\.3 s\s*$/);
  });

  it('rejects unknown method names and bad budget flags before training anything', async () => {
    await expect(run({ json: true, argv: ['--only', 'nope'] })).rejects.toThrow(/unknown method "nope"/);
    await expect(run({ json: true, argv: ['--only', 'asf', '--epochs', '0'] })).rejects.toThrow(/--epochs must be at least 1/);
    await expect(run({ json: true, argv: ['--only', 'asf', '--train-limit', 'many'] })).rejects.toThrow(/--train-limit must be a non-negative integer/);
  });
});
