/**
 * Seeded fuzzing: random mutations (bit flips, truncation, random byte runs, inserted and deleted
 * bytes, mutations aimed at the header) of every real sample file and of hand-made files for the
 * formats without samples, fed to the detected reader and to every reader forced on it. Each run
 * must either return events that satisfy the stream invariants or throw an EventFileError; any other
 * exception (TypeError, RangeError...) or a hang fails. Bounded by iterations and by wall time.
 */
import { describe, expect, it } from 'vitest';
import { parseEventBytes } from '../../../core/data/events/detect';
import { EventFileError, type EventFormat, type EventStream } from '../../../core/data/events/types';
import { Rng } from '../../../core/snn/rng';
import { E3, aedat3, aedat4, evt3 } from './eventFixtures';
import { EXPECTED, HAS_SHARED_DATA, sharedBytes } from './sharedData';

const FORMATS: EventFormat[] = ['atis-bin', 'aedat2', 'aedat3', 'aedat4', 'evt2', 'evt3', 'prophesee-dat'];
const MAX_BYTES = 200_000; // longer samples are cut first so one iteration stays in the millisecond range

function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  let b = src.slice();
  const kind = rng.int(6);
  const headerBias = rng.next() < 0.4 ? Math.min(b.length, 4096) : b.length;
  const pos = () => rng.int(Math.max(1, headerBias));
  switch (kind) {
    case 0: // bit flips
      for (let i = 0, n = 1 + rng.int(8); i < n; i++) b[pos()] ^= 1 << rng.int(8);
      break;
    case 1: // truncation
      b = b.subarray(0, rng.int(b.length + 1));
      break;
    case 2: {
      // a run of random bytes
      const at = pos();
      for (let i = 0, n = 1 + rng.int(64); i < n && at + i < b.length; i++) b[at + i] = rng.int(256);
      break;
    }
    case 3: {
      // inserted bytes
      const at = pos();
      const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, at));
      out.set(ins, at);
      out.set(b.subarray(at), at + ins.length);
      b = out;
      break;
    }
    case 4: {
      // deleted bytes
      const at = pos();
      const end = Math.min(b.length, at + 1 + rng.int(16));
      const out = new Uint8Array(b.length - (end - at));
      out.set(b.subarray(0, at));
      out.set(b.subarray(end), at);
      b = out;
      break;
    }
    default: // 32-bit words set to extremes (sizes, offsets, counts)
      for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
        const at = pos() & ~3;
        const v = [0xff, 0x7f, 0x80, 0x00][rng.int(4)];
        for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = v;
      }
  }
  return b;
}

function check(ev: EventStream): void {
  const n = ev.t.length;
  if (ev.x.length !== n || ev.y.length !== n || ev.p.length !== n) throw new Error('array lengths differ');
  for (let i = 0; i < n; i++) {
    if (!(ev.x[i] < ev.width && ev.y[i] < ev.height && ev.p[i] <= 1 && Number.isFinite(ev.t[i]) && (i === 0 || ev.t[i] >= ev.t[i - 1]))) {
      throw new Error(`invariant broken at event ${i}`);
    }
  }
}

function runOne(bytes: Uint8Array, name: string, format?: EventFormat): 'ok' | 'error' {
  try {
    check(parseEventBytes(bytes, name, format ? { format } : {}));
    return 'ok';
  } catch (e) {
    if (e instanceof EventFileError) return 'error';
    throw new Error(`${name} (${format ?? 'detected'}, ${bytes.length} bytes): ${(e as Error).stack}`, { cause: e });
  }
}

function seeds(): Array<{ name: string; bytes: Uint8Array }> {
  const handMade = [
    { name: 'hand.aedat3', bytes: aedat3([{ events: [{ x: 1, y: 2, p: 1, t: 5 }, { x: 3, y: 4, p: 0, t: 9 }] }, { type: 3, raw: { capacity: 2, size: 16 } }, { overflow: 2, events: [{ x: 5, y: 6, p: 1, t: 1 }] }]) },
    { name: 'hand-zstd.aedat4', bytes: aedat4([{ stream: 0, events: [{ x: 1, y: 2, p: 1, t: 1e15 }, { x: 3, y: 4, p: 0, t: 1e15 + 7 }] }], 'zstd') },
    { name: 'hand-vec.raw', bytes: evt3([E3.high(0), E3.low(1), E3.y(3), E3.base(4, 1), E3.v12(0xabc), E3.v8(0x5a), E3.x(9, 0)]) },
  ];
  if (!HAS_SHARED_DATA) return handMade;
  return [...EXPECTED.map((e) => ({ name: e.file, bytes: sharedBytes(e.file).subarray(0, MAX_BYTES) })), ...handMade];
}

describe('event readers under fuzzing', () => {
  it('never crash or hang: EventFileError or valid events, for every reader', () => {
    const rng = new Rng(20261123);
    const inputs = seeds();
    const deadline = performance.now() + 4000;
    const tally = { ok: 0, error: 0, runs: 0 };
    for (let iter = 0; iter < 1500 && performance.now() < deadline; iter++) {
      const src = inputs[iter % inputs.length];
      const bytes = mutate(src.bytes, rng);
      tally[runOne(bytes, src.name)]++;
      // Every reader forced onto the same bytes (as when a user picks the wrong format).
      tally[runOne(bytes, src.name, FORMATS[iter % FORMATS.length])]++;
      tally.runs += 2;
    }
    console.log(`[fuzz] ${tally.runs} reader runs: ${tally.ok} parsed, ${tally.error} typed errors`);
    expect(tally.runs).toBeGreaterThan(200);
    expect(tally.error).toBeGreaterThan(0);
  });
});
