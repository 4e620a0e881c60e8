import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectEventFormat, parseEventBytes, readEventFile, readEventFileSync } from '../../../core/data/events/detect';
import { summarizeEvents, type EventStream } from '../../../core/data/events/types';
import { EXPECTED, HAS_SHARED_DATA, NMNIST_SMALL, sharedBytes, sharedPath } from './sharedData';

function assertInvariants(ev: EventStream): void {
  const n = ev.t.length;
  expect(ev.x.length).toBe(n);
  expect(ev.y.length).toBe(n);
  expect(ev.p.length).toBe(n);
  for (let i = 0; i < n; i++) {
    if (ev.x[i] >= ev.width || ev.y[i] >= ev.height || ev.p[i] > 1 || (i > 0 && ev.t[i] < ev.t[i - 1])) {
      throw new Error(`invariant broken at event ${i}: x=${ev.x[i]} y=${ev.y[i]} p=${ev.p[i]} t=${ev.t[i]}`);
    }
  }
}

describe.skipIf(!HAS_SHARED_DATA)('event readers on every real sample file (counts from PROVENANCE.md)', () => {
  for (const e of EXPECTED) {
    it(`${e.file}: ${e.events} events`, () => {
      const bytes = sharedBytes(e.file);
      expect(detectEventFormat(bytes, e.file)).toBe(e.format);
      const ev = parseEventBytes(bytes, e.file);
      const s = summarizeEvents(ev);
      expect(ev.format).toBe(e.format);
      expect([s.width, s.height]).toEqual([e.width, e.height]);
      expect(s.events).toBe(e.events);
      if (e.events > 0) {
        expect([s.xMin, s.xMax]).toEqual(e.x);
        expect([s.yMin, s.yMax]).toEqual(e.y);
        expect([s.firstTimestampUs, s.lastTimestampUs]).toEqual(e.t);
      }
      expect([s.polarityCounts.on, s.polarityCounts.off]).toEqual(e.p);
      assertInvariants(ev);
    });
  }

  it('detects formats from bytes, not names (a renamed file still parses)', () => {
    const bytes = sharedBytes('prophesee-evt3/evt3_test_pedestrians.raw');
    expect(detectEventFormat(bytes, 'renamed.bin')).toBe('evt3');
    expect(detectEventFormat(sharedBytes('aedat4/tonic/sample.aedat4'), 'x.dat')).toBe('aedat4');
    expect(detectEventFormat(sharedBytes('prophesee-dat/tonic/sample_ncars.dat'), 'noext')).toBe('prophesee-dat');
  });

  it('the synchronous reused-buffer read gives the same events for small and large files', () => {
    for (const rel of ['nmnist-bin/tonic/sample_nmnist.bin', 'prophesee-evt2/sparklers.raw', 'aedat2/davis240c/IMU_translBoxes.aedat', 'nmnist-bin/tonic/sample_nmnist.bin']) {
      const a = readEventFileSync(sharedPath(rel));
      const b = parseEventBytes(sharedBytes(rel), rel);
      expect(summarizeEvents(a)).toEqual(summarizeEvents(b));
      expect(Buffer.from(a.t.buffer, a.t.byteOffset, a.t.byteLength).equals(Buffer.from(b.t.buffer, b.t.byteOffset, b.t.byteLength))).toBe(true);
    }
    expect(() => readEventFileSync(sharedPath('no/such/file.bin'))).toThrow(/IO at byte 0/);
  });

  it('all 1000 N-MNIST samples match INDEX.csv (events, ranges, t, ON/OFF)', async () => {
    const rows = readFileSync(sharedPath(`${NMNIST_SMALL}/INDEX.csv`), 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBe(1000);
    let total = 0;
    for (const row of rows) {
      const [file, , , , events, x0, x1, y0, y1, tf, tl, on, off] = row.split(',');
      const ev = await readEventFile(sharedPath(`${NMNIST_SMALL}/${file}`));
      const s = summarizeEvents(ev);
      const got = [s.events, s.xMin, s.xMax, s.yMin, s.yMax, s.firstTimestampUs, s.lastTimestampUs, s.polarityCounts.on, s.polarityCounts.off];
      const want = [events, x0, x1, y0, y1, tf, tl, on, off].map(Number);
      if (got.join() !== want.join()) throw new Error(`${file}: got ${got.join()} expected ${want.join()}`);
      total += s.events;
    }
    expect(total).toBe(4133231);
  });
});
