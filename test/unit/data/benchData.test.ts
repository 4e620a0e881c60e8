import { describe, expect, it } from 'vitest';
import { run } from '../../../bench/data';
import { HAS_SHARED_DATA } from './sharedData';

describe.skipIf(!HAS_SHARED_DATA)('bench data', () => {
  it('returns {suite, name, metric, value, unit} rows for every format and to-frame', async () => {
    const rows = await run({ json: true, quick: true });
    const names = rows.map((r) => r.name).join('\n');
    for (const f of ['atis-bin nmnist', 'aedat2', 'aedat4', 'evt2', 'evt3', 'prophesee-dat', 'to-frame']) expect(names).toContain(f);
    for (const r of rows) {
      expect(r).toMatchObject({ suite: 'data', metric: 'throughput', unit: 'events/s' });
      expect(r.value).toBeGreaterThan(1e5);
    }
  });
});
