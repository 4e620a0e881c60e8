import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { benchCommand, findBenchModule } from '../../../cli/commands/bench';
import { main } from '../../../cli/main';
import { captureIo } from './cliHarness';

const fixtureRoot = join(__dirname, '..', '..', 'fixtures', 'pkg');

describe('spikelab bench', () => {
  it('finds and runs a .ts suite, as a table or as JSON', async () => {
    expect(findBenchModule('fake', fixtureRoot)).toBe(join(fixtureRoot, 'bench', 'fake.ts'));
    const table = captureIo();
    expect(await benchCommand(['fake'], table.io, fixtureRoot)).toBe(0);
    expect(table.out()).toBe('fake/sum  value = 499500 count\nfake/json  flag = 0 bool\n');
    const json = captureIo();
    expect(await benchCommand(['fake', '--json'], json.io, fixtureRoot)).toBe(0);
    expect(JSON.parse(json.out())).toEqual([
      { suite: 'fake', name: 'sum', metric: 'value', value: 499500, unit: 'count' },
      { suite: 'fake', name: 'json', metric: 'flag', value: 1, unit: 'bool' },
    ]);
  });

  it('passes the suite its own options (everything but --json after the name)', async () => {
    const c = captureIo();
    expect(await benchCommand(['fake', '--only', 'sum', '--json'], c.io, fixtureRoot)).toBe(0);
    expect(JSON.parse(c.out())).toEqual([{ suite: 'fake', name: 'sum', metric: 'value', value: 499500, unit: 'count' }]);
    const d = captureIo();
    expect(await main(['bench', '--json'], d.io)).toBe(2);
    expect(d.err()).toContain('expected a suite name first');
  });

  it('unknown or malformed suite names are usage errors (exit 2)', async () => {
    const c = captureIo();
    expect(await main(['bench', 'no-such-suite-xyz'], c.io)).toBe(2);
    expect(c.err()).toContain('bench: no suite "no-such-suite-xyz"');
    const d = captureIo();
    expect(await main(['bench', '../etc'], d.io)).toBe(2);
    expect(d.err()).toContain('suite name must be');
    expect(findBenchModule('fake', join(fixtureRoot, 'nowhere'))).toBeNull();
  });
});
