import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEventBytes } from '../../../core/data/events/detect';
import { streamEventFile } from '../../../core/data/events/stream';
import { EventFileError, type EventStream } from '../../../core/data/events/types';
import { HAS_SHARED_DATA, sharedBytes, sharedPath } from './sharedData';

async function collect(file: string, chunkEvents: number, headBytes: number): Promise<{ chunks: number; ev: EventStream }> {
  const parts: EventStream[] = [];
  for await (const c of streamEventFile(file, { chunkEvents, headBytes })) parts.push(c);
  const n = parts.reduce((a, p) => a + p.t.length, 0);
  const ev = { x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n), t: new Float64Array(n), width: parts[0].width, height: parts[0].height };
  let at = 0;
  for (const p of parts) {
    ev.x.set(p.x, at);
    ev.y.set(p.y, at);
    ev.p.set(p.p, at);
    ev.t.set(p.t, at);
    at += p.t.length;
  }
  return { chunks: parts.length, ev };
}

describe.skipIf(!HAS_SHARED_DATA)('streaming reads in chunks equal whole-file reads', () => {
  const cases: Array<[string, number]> = [
    ['prophesee-evt2/sparklers.raw', 4096],
    ['aedat2/davis240c/IMU_translBoxes.aedat', 1 << 19],
    ['aedat2/dvs128/alex_walking_again.aedat', 1 << 14],
    ['ncaltech101-bin/shiba24-event-vision-library/faces_easy_0001.bin', 4096],
    ['prophesee-dat/tonic/sample_ncars.dat', 1024],
    ['aedat4/tonic/sample.aedat4', 4096], // packet format: parsed whole, handed out in chunks
  ];
  for (const [rel, head] of cases) {
    it(rel, async () => {
      const whole = parseEventBytes(sharedBytes(rel), rel);
      const { chunks, ev } = await collect(sharedPath(rel), 10007, head);
      // Chunks hold at most 10007 records (skipped IMU / time words included), so more than one here.
      expect(chunks).toBeGreaterThanOrEqual(Math.ceil(whole.t.length / 10007));
      expect(ev.t.length).toBe(whole.t.length);
      expect([ev.width, ev.height]).toEqual(rel.endsWith('.bin') ? [304, 240] : [whole.width, whole.height]);
      const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      for (const k of ['x', 'y', 'p', 't'] as const) expect(bytesOf(ev[k]).equals(bytesOf(whole[k])), k).toBe(true);
    });
  }

  it('reports file offsets of errors in later chunks', async () => {
    const bytes = sharedBytes('prophesee-evt2/sparklers.raw').slice();
    const at = bytes.length - 4 * 1000; // a word far past the first chunk
    bytes[at + 3] = 0x50; // type 5: not an EVT 2.0 word type
    const file = join(mkdtempSync(join(tmpdir(), 'stream-')), 'bad.raw');
    writeFileSync(file, bytes);
    let err: unknown;
    try {
      await collect(file, 5000, 4096);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EventFileError);
    expect((err as EventFileError).offset).toBe(at);
    expect((err as EventFileError).reason).toBe('UNKNOWN_PACKET');
  });
});
