import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameCache, frameCacheMaxBytes, DEFAULT_FRAME_CACHE_MAX_BYTES } from '../../../core/data/frameCache';
import type { Frames } from '../../../core/data/transforms/toFrame';

const root = mkdtempSync(join(tmpdir(), 'spikelab-frame-evict-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = (): string => join(root, `c${n++}`);

/** Dense frames of `cells` cells (all set, so stored dense: 32 + 2·cells bytes). */
function frames(cells: number, fill: number): Frames {
  return { data: new Int16Array(cells).fill(fill), shape: [1, 1, 1, cells] };
}

/** Ages a cache file so that the order of use is explicit rather than left to the clock's resolution. */
function age(c: FrameCache, key: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(c.dir, `${key}.slfr`), t, t);
}

describe('frame cache size cap', () => {
  it('evicts the least recently used frames down to 3/4 of the cap, and a hit counts as a use', () => {
    const fileBytes = 32 + 2 * 1000;
    const c = new FrameCache(dir(), 4.5 * fileBytes);
    for (const k of ['a', 'b', 'c', 'd']) c.put(k, frames(1000, 1));
    age(c, 'a', 40);
    age(c, 'b', 30);
    age(c, 'c', 20);
    age(c, 'd', 10);
    expect(c.get('a')?.data[0]).toBe(1); // a is now the most recently used
    c.put('e', frames(1000, 2)); // 5 files > 4.5: prune to <= 3.375 files' worth
    const left = readdirSync(c.dir).sort();
    expect(left).toEqual(['a.slfr', 'd.slfr', 'e.slfr']);
    expect(c.evicted).toBe(2);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('e')?.data[0]).toBe(2);
  });

  it('prunes an oversized folder when opened, and removes temp files a dead writer left', () => {
    const d = dir();
    const big = new FrameCache(d, 1e9);
    for (let i = 0; i < 8; i++) big.put(`k${i}`, frames(500, i + 1));
    const stale = join(d, 'k9.slfr.123.abc.tmp');
    const fresh = join(d, 'k10.slfr.456.def.tmp');
    writeFileSync(stale, 'half a file');
    writeFileSync(fresh, ''); // empty, so the count of evictions below is exact
    const old = new Date(Date.now() - 3600_000);
    utimesSync(stale, old, old);
    const small = new FrameCache(d, 4 * (32 + 2 * 500));
    const sizes = readdirSync(d).filter((f) => f.endsWith('.slfr')).map((f) => statSync(join(d, f)).size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3 * (32 + 2 * 500));
    expect(small.evicted).toBe(5);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('reads its cap from SPIKELAB_FRAME_CACHE_MAX_MB and names a bad value', () => {
    expect(frameCacheMaxBytes({})).toBe(DEFAULT_FRAME_CACHE_MAX_BYTES);
    expect(frameCacheMaxBytes({ SPIKELAB_FRAME_CACHE_MAX_MB: '64' })).toBe(64 * 2 ** 20);
    expect(() => frameCacheMaxBytes({ SPIKELAB_FRAME_CACHE_MAX_MB: 'lots' })).toThrow(/SPIKELAB_FRAME_CACHE_MAX_MB.*"lots"/);
    expect(() => frameCacheMaxBytes({ SPIKELAB_FRAME_CACHE_MAX_MB: '-1' })).toThrow(/positive/);
  });
});
