/**
 * The streaming event loader on synthetic datasets of many small ATIS files: seeded order, explicit
 * orders and mid-epoch resume (in process and in the worker), shift augmentation on the dense and the
 * cached sparse path, the frame cache's keys and file format, and memory that stays at the read-ahead
 * window while the dataset is a hundred times larger.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EventFrameLoader, type EventBatch, type EventLoaderOptions } from '../../../core/data/eventLoader';
import type { EventDatasetIndex, EventSample } from '../../../core/data/eventDatasets';
import { FrameCache, defaultFrameCacheDir, toDense, toSparse } from '../../../core/data/frameCache';
import { toFrames } from '../../../core/data/transforms/toFrame';
import { WorkerEventLoader } from '../../../core/data/workerLoader';
import { Rng } from '../../../core/snn/rng';
import { atis, type Ev } from './eventFixtures';
import { tempDir, waitFor } from '../lab/helpers';

const t = tempDir('spikelab-loader-');
afterAll(() => t.cleanup());
let dirs = 0;
const sub = (name: string): string => {
  const d = join(t.dir, `${name}-${dirs++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

/** Sample i: 40..160 events of a seeded walk on a 34x34 sensor over ~0.3 s, label i % 10. */
function sampleEvents(i: number): Ev[] {
  const rng = new Rng(1000 + i);
  const n = 40 + rng.int(120);
  const evs: Ev[] = [];
  let tt = 0;
  for (let k = 0; k < n; k++) {
    tt += 1 + rng.int(4000);
    evs.push({ x: rng.int(34), y: rng.int(34), p: rng.int(2), t: tt });
  }
  return evs;
}

function writeDataset(count: number): EventDatasetIndex {
  const root = sub('ds');
  const samples: EventSample[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(root, `${i}.bin`);
    writeFileSync(file, atis(sampleEvents(i)));
    samples.push({ file, label: i % 10 });
  }
  return { root, layout: 'class-folders', classes: Array.from({ length: 10 }, (_, k) => String(k)), samples, sensor: { width: 34, height: 34 } };
}

async function collect(it: AsyncIterable<EventBatch>): Promise<EventBatch[]> {
  const out: EventBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

const files = (bs: EventBatch[]): string[][] => bs.map((b) => b.samples.map((s) => s.file));
/** One digest per batch's values: big Float32Arrays compare quickly and fail readably this way. */
const digests = (xs: Float32Array[]): string[] => xs.map((x) => createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex').slice(0, 16));
const xs = (bs: EventBatch[]): string[] => digests(bs.map((b) => b.x));

const small = writeDataset(45);
const base: EventLoaderOptions = { batchSize: 8, timesteps: 4, frames: { timeBins: 4 }, shuffle: true, seed: 3 };

describe('EventFrameLoader order', () => {
  it('is a function of (seed, epoch): the same seed repeats it, another seed or epoch changes it, and every sample comes once', async () => {
    const a = await collect(new EventFrameLoader(small, small.samples, base).epoch(2));
    const b = await collect(new EventFrameLoader(small, small.samples, base).epoch(2));
    expect(files(b)).toEqual(files(a));
    expect(xs(b)).toEqual(xs(a));
    const otherSeed = await collect(new EventFrameLoader(small, small.samples, { ...base, seed: 4 }).epoch(2));
    const otherEpoch = await collect(new EventFrameLoader(small, small.samples, base).epoch(3));
    expect(files(otherSeed)).not.toEqual(files(a));
    expect(files(otherEpoch)).not.toEqual(files(a));
    expect(a.map((x) => x.shape[1])).toEqual([8, 8, 8, 8, 8, 5]);
    expect(files(a).flat().sort()).toEqual(small.samples.map((s) => s.file).sort());
  });

  it('follows an explicit order and resumes at a batch without reading the ones before it', async () => {
    const order = Array.from({ length: 45 }, (_, i) => (i * 7) % 45);
    const cache = new FrameCache(sub('cache'));
    const full = await collect(new EventFrameLoader(small, small.samples, { ...base, cache }).epoch(0, { order }));
    expect(files(full).flat()).toEqual(order.map((k) => small.samples[k].file));
    expect(full.map((b) => b.batch)).toEqual([0, 1, 2, 3, 4, 5]);
    const fresh = new FrameCache(sub('cache'));
    const rest = await collect(new EventFrameLoader(small, small.samples, { ...base, cache: fresh }).epoch(0, { order, fromBatch: 4 }));
    expect(rest.map((b) => b.batch)).toEqual([4, 5]);
    expect(xs(rest)).toEqual(xs(full.slice(4)));
    // Only the 13 samples of batches 4 and 5 were framed.
    expect(fresh.misses).toBe(13);
    await expect(new EventFrameLoader(small, small.samples, base).epoch(0, { order: [1, 2] }).next()).rejects.toThrow(/lists 2 samples/);
  });
});

describe('shift augmentation', () => {
  /** The reference: shift every step and polarity of sample b by the (dx, dy) drawn from (seed, draw). */
  function shifted(plain: EventBatch, seed: number, draw: number, max: number): Float32Array {
    const [T, B, P, H, W] = plain.shape;
    const rng = new Rng((seed * 0x2545f491 + draw * 0x9e3779b9 + 7) >>> 0);
    const out = new Float32Array(plain.x.length);
    for (let b = 0; b < B; b++) {
      const dx = rng.int(2 * max + 1) - max;
      const dy = rng.int(2 * max + 1) - max;
      for (let tt = 0; tt < T; tt++)
        for (let p = 0; p < P; p++)
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++) {
              const sy = y - dy;
              const sx = x - dx;
              if (sy < 0 || sy >= H || sx < 0 || sx >= W) continue;
              out[(((tt * B + b) * P + p) * H + y) * W + x] = plain.x[(((tt * B + b) * P + p) * H + sy) * W + sx];
            }
    }
    return out;
  }

  it('moves whole samples by the offsets drawn from (seed, draw), the same from files and from the sparse cache', async () => {
    const order = Array.from({ length: 45 }, (_, i) => i);
    const plain = await collect(new EventFrameLoader(small, small.samples, base).epoch(0, { order }));
    const opts = { ...base, shift: { max: 2, seed: 11 } };
    const fromFiles = await collect(new EventFrameLoader(small, small.samples, opts).epoch(0, { order, firstDraw: 30 }));
    const cache = new FrameCache(sub('cache'));
    await collect(new EventFrameLoader(small, small.samples, { ...opts, cache }).epoch(0, { order }));
    const fromCache = await collect(new EventFrameLoader(small, small.samples, { ...opts, cache }).epoch(0, { order, firstDraw: 30 }));
    expect(cache.hits).toBe(45);
    const want = digests(plain.map((b, k) => shifted(b, 11, 30 + k, 2)));
    expect(xs(fromFiles)).toEqual(want);
    expect(xs(fromCache)).toEqual(want);
    // Some offset is non-zero (else the comparison above proves nothing), and no draw means no shift.
    expect(xs(fromFiles)).not.toEqual(xs(plain));
    const noDraw = await collect(new EventFrameLoader(small, small.samples, opts).epoch(0, { order }));
    expect(xs(noDraw)).toEqual(xs(plain));
  });
});

describe('WorkerEventLoader streams', () => {
  it('resumed mid-epoch in the worker, gives exactly the remaining batches of the uninterrupted epoch', async () => {
    const opts = { ...base, shift: { max: 1, seed: 5 }, prefetch: 2 };
    const order = Array.from({ length: 45 }, (_, i) => 44 - i);
    const local = await collect(new EventFrameLoader(small, small.samples, opts).epoch(1, { order, firstDraw: 6 }));
    const loader = new WorkerEventLoader(small, small.samples, opts);
    try {
      // Abandon an epoch after two batches (a stop), then resume it at batch 2 on the same worker.
      const first = loader.open(1, { order, firstDraw: 6 });
      const head = [await first.next(), await first.next()];
      const rest = await collect(loader.epoch(1, { order, fromBatch: 2, firstDraw: 8 }));
      expect(first.closed).toBe(true);
      const got = [...head, ...rest] as EventBatch[];
      expect(got.map((b) => b.batch)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(xs(got)).toEqual(xs(local));
      expect(files(got)).toEqual(files(local));
    } finally {
      await loader.close();
    }
  });

  it('keeps memory at the read-ahead window on a dataset 100x larger, with a slow consumer', async () => {
    const big = writeDataset(2400);
    const opts = { batchSize: 8, timesteps: 4, frames: { timeBins: 4 }, shuffle: true, seed: 1, prefetch: 2 };
    const batchBytes = 4 * 2 * 34 * 34 * 8 * 4;
    const loader = new WorkerEventLoader(big, big.samples, opts);
    // Collect before each reading, so it counts the batches still referenced, not garbage.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const held = (): number => {
      gc();
      return process.memoryUsage().arrayBuffers;
    };
    try {
      const before = held();
      const stream = loader.open(0);
      // Once the window is full, a producer that ignored it would go on framing the 300 batches (22 MB).
      await waitFor(() => stream.queued >= 2, 20_000, 'the first two batches');
      await new Promise((r) => setTimeout(r, 400));
      expect(stream.queued).toBe(2);
      let peak = held() - before;
      let batches = 0;
      for (let b = await stream.next(); b; b = await stream.next()) {
        batches++;
        expect(stream.queued).toBeLessThanOrEqual(2);
        if (batches % 10 === 0) peak = Math.max(peak, held() - before);
      }
      expect(batches).toBe(300);
      // The queued batches (at most `prefetch`) and the one in hand; the dataset is 100 windows.
      expect(peak).toBeLessThan(4 * batchBytes);
    } finally {
      await loader.close();
    }
  }, 30_000);
});

describe('FrameCache', () => {
  const frames = (i: number) => toFrames({ ...readSample(i), width: 34, height: 34 }, { timeBins: 4 });
  function readSample(i: number) {
    const evs = sampleEvents(i);
    return {
      x: Uint16Array.from(evs.map((e) => e.x)),
      y: Uint16Array.from(evs.map((e) => e.y)),
      p: Uint8Array.from(evs.map((e) => e.p)),
      t: Float64Array.from(evs.map((e) => e.t)),
    };
  }

  it('stores sparse frames when they are mostly empty and dense otherwise, and reads both back exactly', () => {
    const cache = new FrameCache(sub('cache'));
    const f = frames(0);
    cache.put('a', f);
    expect(cache.get('a')).toEqual(f);
    const sp = cache.getSparse('a');
    expect(sp && 'index' in sp).toBe(true);
    expect(toDense(toSparse(f))).toEqual(f);
    // A quarter of all cells at most: far below the 6-byte-per-cell break-even.
    expect(statSync(join(cache.dir, 'a.slfr')).size).toBeLessThan(f.data.byteLength / 2);
    const full = { data: new Int16Array(8).fill(3), shape: [1, 2, 2, 2] as [number, number, number, number] };
    cache.put('b', full);
    expect(cache.get('b')).toEqual(full);
    expect(statSync(join(cache.dir, 'b.slfr')).size).toBe(32 + 16);
  });

  it('treats a damaged file as a miss', () => {
    const cache = new FrameCache(sub('cache'));
    cache.put('a', frames(1));
    const file = join(cache.dir, 'a.slfr');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(cache.get('a')).toBeUndefined();
    // An index past the frame's size is caught, not scattered out of bounds.
    const bad = Buffer.from(bytes);
    bad.writeUInt32LE(1 << 30, 36);
    writeFileSync(file, bad);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([0, 2]);
  });

  it('misses after the file is rewritten (even with its old size and mtime restored) or the transform or framing changes', async () => {
    const ds = writeDataset(6);
    const cache = new FrameCache(sub('cache'));
    const opts = { batchSize: 3, timesteps: 4, frames: { timeBins: 4 }, cache };
    const run = async (o: Partial<EventLoaderOptions> = {}) => collect(new EventFrameLoader(ds, ds.samples, { ...opts, ...o }).epoch(0));
    const first = await run();
    expect([cache.hits, cache.misses]).toEqual([0, 6]);
    expect(xs(await run())).toEqual(xs(first));
    expect([cache.hits, cache.misses]).toEqual([6, 6]);
    // Same size, same mtime, other events: only the change time tells.
    const f = ds.samples[0].file;
    const st = statSync(f);
    const other = atis(sampleEvents(0).map((e) => ({ ...e, x: 33 - e.x })));
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(f, other);
    utimesSync(f, st.atime, st.mtime);
    expect(statSync(f).size).toBe(st.size);
    const after = await run();
    expect([cache.hits, cache.misses]).toEqual([11, 7]);
    expect(xs(after)[0]).not.toEqual(xs(first)[0]);
    await run({ transforms: [{ kind: 'flip', lr: true }] });
    expect(cache.misses).toBe(13);
    await run({ frames: { timeBins: 5 } });
    expect(cache.misses).toBe(19);
    // Random transforms are never cached: every epoch draws them anew.
    const files0 = readdirSync(cache.dir).length;
    await run({ transforms: [{ kind: 'drop', probability: 0.5 }] });
    expect(readdirSync(cache.dir).length).toBe(files0);
  });

  it('lives in SPIKELAB_FRAME_CACHE, else the user cache folder; "off" disables it', () => {
    expect(defaultFrameCacheDir({ SPIKELAB_FRAME_CACHE: '/x/frames' })).toBe('/x/frames');
    expect(defaultFrameCacheDir({ SPIKELAB_FRAME_CACHE: 'off' })).toBeNull();
    expect(defaultFrameCacheDir({ XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'spikelab', 'frames'));
  });
});
