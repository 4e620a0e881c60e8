/**
 * The streaming decoders of AEDAT 3.1, AEDAT 4 and EVT 3.0 (ChunkDecoder): a file fed in chunks of
 * any size, down to one byte, gives exactly the events and errors of a whole-file read, and reading
 * a large file through streamEventFile never holds the file in memory.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Aedat3Decoder, readAedat3Start } from '../../../core/data/events/aedat3';
import { Aedat4Decoder, readAedat4Start } from '../../../core/data/events/aedat4';
import { parseEventBytes } from '../../../core/data/events/detect';
import { Evt3Decoder, readEvt3Start } from '../../../core/data/events/evt3';
import { streamEventFile } from '../../../core/data/events/stream';
import { EventFileError, type ChunkDecoder, type EventStream } from '../../../core/data/events/types';
import { E3, aedat3, aedat4, evt3, type Ev } from './eventFixtures';
import { HAS_SHARED_DATA, sharedBytes, sharedPath } from './sharedData';

type Fmt = 'aedat3' | 'aedat4' | 'evt3';

function decoder(fmt: Fmt, bytes: Uint8Array, file: string): { start: number; d: ChunkDecoder } {
  if (fmt === 'aedat3') {
    const s = readAedat3Start(bytes, file, bytes.length);
    return { start: s.start, d: new Aedat3Decoder(s.sensor, file, bytes.length) };
  }
  if (fmt === 'aedat4') {
    const s = readAedat4Start(bytes, file, bytes.length);
    return { start: s.info.dataStart, d: new Aedat4Decoder(s, file) };
  }
  const s = readEvt3Start(bytes, file, bytes.length);
  return { start: s.start, d: new Evt3Decoder(s.width, s.height, file) };
}

function concat(parts: EventStream[], width: number, height: number): EventStream {
  const n = parts.reduce((a, p) => a + p.t.length, 0);
  const ev = { x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n), t: new Float64Array(n), width, height };
  let at = 0;
  for (const p of parts) {
    ev.x.set(p.x, at);
    ev.y.set(p.y, at);
    ev.p.set(p.p, at);
    ev.t.set(p.t, at);
    at += p.t.length;
  }
  return ev;
}

/** Feed the body in `chunk`-byte slices copied into one reused buffer (as streamEventFile does). */
function decodeChunked(fmt: Fmt, bytes: Uint8Array, file: string, chunk: number): EventStream {
  const { start, d } = decoder(fmt, bytes, file);
  const buf = new Uint8Array(chunk);
  const parts: EventStream[] = [];
  for (let o = start; o < bytes.length; o += chunk) {
    const n = Math.min(chunk, bytes.length - o);
    buf.set(bytes.subarray(o, o + n));
    parts.push(d.push(buf.subarray(0, n), o));
  }
  d.finish();
  return concat(parts, d.width, d.height);
}

function expectSame(a: EventStream, b: EventStream): void {
  expect(a.t.length).toBe(b.t.length);
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  const bytesOf = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  for (const k of ['x', 'y', 'p', 't'] as const) expect(bytesOf(a[k]).equals(bytesOf(b[k])), k).toBe(true);
}

function errorOf(f: () => unknown): EventFileError {
  try {
    f();
  } catch (e) {
    if (e instanceof EventFileError) return e;
    throw e;
  }
  throw new Error('expected an EventFileError');
}

const E = (x: number, y: number, p: number, t: number): Ev => ({ x, y, p, t });
const ramp = (n: number, w: number, t0: number): Ev[] => Array.from({ length: n }, (_, i) => E(i % w, (i * 7) % w, i & 1, t0 + i * 3));

/** Hand-made files covering what the samples do not: AEDAT 3.1 (no sample), overflow, skipped packets, split vectors. */
const HANDMADE: Array<[string, Fmt, Uint8Array]> = [
  ['aedat3 polarity + skipped packets', 'aedat3', aedat3([{ events: ramp(40, 128, 10) }, { type: 2, raw: { capacity: 3, size: 12 } }, { events: [E(1, 2, 1, 5000), { ...E(3, 4, 0, 5001), valid: false }, E(5, 6, 0, 5002)] }, { overflow: 1, events: ramp(20, 128, 0) }])],
  ['aedat4 lz4', 'aedat4', aedat4([{ stream: 0, events: ramp(50, 128, 1_700_000_000_000_000) }, { stream: 3, raw: new Uint8Array(37) }, { stream: 0, events: ramp(30, 128, 1_700_000_000_001_000) }], 'lz4')],
  ['aedat4 zstd', 'aedat4', aedat4([{ stream: 0, events: ramp(25, 128, 5) }, { stream: 0, events: ramp(25, 128, 500) }], 'zstd')],
  ['evt3 vectors across a wrap', 'evt3', evt3([E3.high(0xfff000), E3.low(0xffffff), E3.y(3), E3.x(9, 1), E3.base(100, 0), E3.v12(0xa5a), E3.v8(0x81), E3.high(0), E3.low(7), E3.y(4), E3.x(2, 1), 0xe000, E3.v8(0xff)])],
];

describe('chunked decoding equals whole-file decoding', () => {
  for (const [name, fmt, bytes] of HANDMADE) {
    it(`${name}: every chunk size 1..64`, () => {
      const whole = parseEventBytes(bytes, name, { format: fmt });
      expect(whole.t.length).toBeGreaterThan(0);
      for (let c = 1; c <= 64; c++) expectSame(decodeChunked(fmt, bytes, name, c), whole);
    });
  }

  const samples: Array<[string, Fmt]> = [
    ['prophesee-evt3/evt3_test_pedestrians.raw', 'evt3'],
    ['aedat4/tonic/sample.aedat4', 'aedat4'],
    ['aedat4/shiba24-event-vision-library/sample.aedat4', 'aedat4'],
    ['aedat4/redpob-dvs128-testing/dvSave-2024_06_13_16_16_25.aedat4', 'aedat4'],
    ['aedat4/redpob-dvs128-testing/dvSave-2024_06_13_16_19_42.aedat4', 'aedat4'],
  ];
  for (const [rel, fmt] of samples) {
    it.skipIf(!HAS_SHARED_DATA)(`${rel}: chunks of 1 (small files), 3, 7, 4093 and 1 MiB bytes, and streamEventFile`, async () => {
      const bytes = sharedBytes(rel);
      const whole = parseEventBytes(bytes, rel);
      const sizes = bytes.length < 64_000 ? [1, 2, 3, 7, 4093, 1 << 20] : [7, 61, 4093, 1 << 20];
      for (const c of sizes) expectSame(decodeChunked(fmt, bytes, rel, c), whole);
      const parts: EventStream[] = [];
      for await (const part of streamEventFile(sharedPath(rel), { headBytes: 4096, chunkBytes: 5000, chunkEvents: 1000 })) {
        expect(part.t.length).toBeLessThanOrEqual(1000);
        parts.push(part);
      }
      expectSame(concat(parts, whole.width, whole.height), whole);
    });
  }
  if (!HAS_SHARED_DATA) it.skip('sample files: /work/shared/data is absent', () => undefined);

  it('errors carry the same reason and byte offset whatever the chunking', () => {
    const bad: Array<[Fmt, Uint8Array]> = [];
    const a3 = aedat3([{ events: ramp(10, 128, 10) }, { events: [E(1, 2, 1, 3)] }]); // time goes back in packet 2
    bad.push(['aedat3', a3], ['aedat3', a3.subarray(0, a3.length - 5)]);
    const a4 = aedat4([{ stream: 0, events: ramp(10, 128, 10) }, { stream: 0, events: [E(200, 2, 1, 50)] }], 'lz4', { width: 128, height: 128 });
    bad.push(['aedat4', a4], ['aedat4', a4.subarray(0, a4.length - 3)]);
    bad.push(['evt3', evt3([E3.high(0), E3.y(1), E3.x(5, 1), E3.base(1275, 1), E3.v12(0xfff)])]);
    for (const [fmt, bytes] of bad) {
      const whole = errorOf(() => parseEventBytes(bytes, 'bad.file', { format: fmt }));
      for (const c of [1, 3, 8, 29, 1000]) {
        const chunked = errorOf(() => decodeChunked(fmt, bytes, 'bad.file', c));
        expect([chunked.reason, chunked.offset, chunked.message], `${fmt} chunk ${c}`).toEqual([whole.reason, whole.offset, whole.message]);
      }
    }
  });
});

describe('streaming keeps memory bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chunked-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const FILE_MB = 48;

  /** Writes a header then `body` repeated until the file is ~FILE_MB MiB. */
  function bigFile(name: string, header: Uint8Array, body: Uint8Array): string {
    const file = join(dir, name);
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    for (let written = 0; written < FILE_MB << 20; written += body.length) writeSync(fd, body);
    closeSync(fd);
    return file;
  }

  async function peakGrowth(file: string): Promise<{ events: number; peakMb: number }> {
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let events = 0;
    for await (const part of streamEventFile(file, { chunkBytes: 1 << 20 })) {
      events += part.t.length;
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    }
    return { events, peakMb: peak / (1 << 20) };
  }

  // Mostly non-event content (skipped packets, OTHERS words) keeps the yielded events small, so what
  // is measured is the reader's own buffers: a whole-file read would add the full 48 MiB.
  it('EVT 3.0', async () => {
    const words = new Uint16Array(1 << 16).fill(0xe000);
    words.set([E3.high(0), E3.low(1), E3.y(2), E3.x(3, 1)]);
    const header = evt3([]);
    const file = bigFile('big.raw', header, new Uint8Array(words.buffer));
    const r = await peakGrowth(file);
    expect(r.events).toBe(Math.ceil((FILE_MB << 20) / (1 << 17)));
    expect(r.peakMb).toBeLessThan(FILE_MB / 4);
  });

  it('AEDAT 3.1', async () => {
    const one = aedat3([{ type: 2, raw: { capacity: 1 << 14, size: 16 } }, { events: [E(1, 1, 1, 0)] }]);
    const header = aedat3([]);
    const packets = one.subarray(header.length);
    const file = bigFile('big.aedat', header, packets);
    const r = await peakGrowth(file);
    expect(r.events).toBe(Math.ceil((FILE_MB << 20) / packets.length));
    expect(r.peakMb).toBeLessThan(FILE_MB / 4);
  });

  it('AEDAT 4', async () => {
    const header = aedat4([], 'none');
    const packets = aedat4([{ stream: 3, raw: new Uint8Array(1 << 16) }, { stream: 0, events: [E(1, 1, 1, 0)] }], 'none').subarray(header.length);
    const file = bigFile('big.aedat4', header, packets);
    const r = await peakGrowth(file);
    expect(r.events).toBe(Math.ceil((FILE_MB << 20) / packets.length));
    expect(r.peakMb).toBeLessThan(FILE_MB / 4);
  });
});
