/** The data service's recording cache: bounded in entries and bytes, LRU, one parse per key in flight. */
import { describe, expect, it } from 'vitest';
import { allocEvents, type EventRecording } from '../../../core/data/events/types';
import { EventCache } from '../../../core/lab/data/eventCache';

const rec = (n: number): EventRecording => ({ ...allocEvents(n, 4, 4), format: 'atis-bin', camera: undefined });

describe('EventCache', () => {
  it('keeps the most recently used entries within the entry bound', async () => {
    const c = new EventCache(2, 1 << 30);
    let parses = 0;
    const load = (n: number) => () => {
      parses++;
      return Promise.resolve(rec(n));
    };
    await c.load('a', load(1));
    await c.load('b', load(1));
    await c.load('a', load(1)); // hit: a is now the most recent
    await c.load('c', load(1)); // evicts b
    expect(parses).toBe(3);
    expect(c.get('a')).toBeDefined();
    expect(c.get('b')).toBeUndefined();
    expect(c.size).toBe(2);
  });

  it('keeps the total within the byte bound and never caches an oversized recording', async () => {
    const c = new EventCache(10, 13 * 100);
    await c.load('a', () => Promise.resolve(rec(60)));
    await c.load('b', () => Promise.resolve(rec(60))); // 120 events > 100: a goes
    expect([c.get('a'), c.get('b') !== undefined]).toEqual([undefined, true]);
    await c.load('huge', () => Promise.resolve(rec(101)));
    expect(c.get('huge')).toBeUndefined();
    expect(c.get('b')).toBeDefined();
  });

  it('shares one load between concurrent requests, and does not cache a failure', async () => {
    const c = new EventCache();
    let parses = 0;
    let release: (r: EventRecording) => void = () => undefined;
    const slow = () => {
      parses++;
      return new Promise<EventRecording>((r) => (release = r));
    };
    const p1 = c.load('k', slow);
    const p2 = c.load('k', slow);
    release(rec(3));
    expect(await p1).toBe(await p2);
    expect(parses).toBe(1);
    await expect(c.load('bad', () => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(await c.load('bad', () => Promise.resolve(rec(1)))).toBeDefined();
  });

  it('keys change with size and modification time', () => {
    expect(EventCache.key('/a', 10, 1)).not.toBe(EventCache.key('/a', 10, 2));
    expect(EventCache.key('/a', 10, 1)).not.toBe(EventCache.key('/a', 11, 1));
  });
});
