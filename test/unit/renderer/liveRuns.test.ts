import { describe, expect, it } from 'vitest';
import { LiveRunCache } from '../../../renderer/src/lib/liveRuns';

describe('LiveRunCache', () => {
  it('evicts the least recently used run but never the pinned one', () => {
    const c = new LiveRunCache(2, 16);
    c.get('a');
    c.get('b');
    c.get('a'); // a is now most recent
    c.get('c');
    expect(c.peek('b')).toBeUndefined();
    expect(c.peek('a')).toBeDefined();
    c.get('d', 'a');
    expect(c.peek('a')).toBeDefined();
    expect(c.size).toBe(2);
  });

  it('keeps one spike ring per layer', () => {
    const run = new LiveRunCache(2, 16).get('r');
    const base = { runId: 'r', epoch: 0, step: 0, timesteps: 4, neurons: 3, truncated: false };
    run.addSpikes({ ...base, layer: 'hidden', times: [0, 1], ids: [0, 2] });
    run.addSpikes({ ...base, layer: 'out', times: [3], ids: [1] });
    run.addSpikes({ ...base, layer: 'hidden', times: [2], ids: [1] });
    expect([...run.layers.keys()]).toEqual(['hidden', 'out']);
    expect(run.layers.get('hidden')?.size).toBe(3);
    expect(run.layers.get('hidden')?.endCol).toBe(8);
  });
});
