import { describe, expect, it } from 'vitest';
import { parseAedat2 } from '../../../core/data/events/aedat2';
import { parseAedat3, parseGestureLabels, sliceByLabels } from '../../../core/data/events/aedat3';
import { parseAedat4 } from '../../../core/data/events/aedat4';
import { parseAtisBin } from '../../../core/data/events/atisBin';
import { detectEventFormat, parseEventBytes } from '../../../core/data/events/detect';
import { parseEvt2 } from '../../../core/data/events/evt2';
import { parseEvt3 } from '../../../core/data/events/evt3';
import { parseProphDat } from '../../../core/data/events/prophDat';
import { EventFileError, type EventErrorReason, type EventStream } from '../../../core/data/events/types';
import { E3, aedat2, aedat3, aedat4, atis, dat, davisAddr, dvs128Addr, evt2, evt2Cd, evt2High, evt3, evtsPacket, type Ev } from './eventFixtures';

const list = (ev: EventStream): Ev[] => Array.from(ev.t, (t, i) => ({ x: ev.x[i], y: ev.y[i], p: ev.p[i], t }));

function expectReason(f: () => unknown, reason: EventErrorReason, offset?: number): EventFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EventFileError);
    const err = e as EventFileError;
    expect(err.reason).toBe(reason);
    expect(err.code).toBe('DATASET_INVALID');
    expect(err.message).toContain('bad.file');
    if (offset !== undefined) expect(err.offset).toBe(offset);
    return err;
  }
  throw new Error(`expected an EventFileError ${reason}`);
}

const E = (x: number, y: number, p: number, t: number): Ev => ({ x, y, p, t });

describe('ATIS .bin', () => {
  it('decodes 40-bit events; the y=240 marker adds 2^13 us to later timestamps', () => {
    const ev = parseAtisBin(atis([E(1, 2, 1, 100), E(33, 0, 0, 8000), 'overflow', E(5, 6, 1, 10)]), 'a.bin');
    expect(list(ev)).toEqual([E(1, 2, 1, 100), E(33, 0, 0, 8000), E(5, 6, 1, 8192 + 10)]);
    expect([ev.width, ev.height]).toEqual([34, 34]);
  });
  it('unwraps a silent 23-bit wrap, keeps the full ATIS size when events fall outside 34x34', () => {
    const ev = parseAtisBin(atis([E(200, 100, 0, (1 << 23) - 5), E(1, 1, 1, 3)]), 'a.bin');
    expect(Array.from(ev.t)).toEqual([(1 << 23) - 5, (1 << 23) + 3]);
    expect([ev.width, ev.height]).toEqual([304, 240]);
  });
  it('rejects empty, truncated, out-of-range and non-monotonic input', () => {
    expectReason(() => parseAtisBin(new Uint8Array(0), 'bad.file'), 'EMPTY', 0);
    expectReason(() => parseAtisBin(atis([E(1, 1, 1, 5)]).subarray(0, 4), 'bad.file'), 'TRUNCATED', 0);
    expectReason(() => parseAtisBin(atis([E(1, 1, 1, 5), E(1, 250, 1, 6)]), 'bad.file'), 'OUT_OF_RANGE', 5);
    expectReason(() => parseAtisBin(atis([E(1, 1, 1, 500), E(1, 2, 1, 6)]), 'bad.file'), 'NON_MONOTONIC', 7);
    expectReason(() => parseAtisBin(atis([E(40, 1, 1, 5)]), 'bad.file', { width: 34, height: 34 }), 'OUT_OF_RANGE', 0);
  });
});

describe('AEDAT 2.0', () => {
  it('DVS128 layout from the header; external events skipped', () => {
    const ev = parseAedat2(aedat2('DVS128', [[dvs128Addr(3, 4, 1), 10], [0x8000, 11], [dvs128Addr(127, 127, 0), 12]]), 'a.aedat');
    expect(ev.camera).toBe('DVS128');
    expect(list(ev)).toEqual([E(3, 4, 1, 10), E(127, 127, 0, 12)]);
  });
  it('DAVIS240C layout; APS/IMU words (bit 31) skipped', () => {
    const ev = parseAedat2(aedat2('DAVIS240C', [[davisAddr(239, 179, 1), 5], [0x80000c00, 6], [davisAddr(7, 8, 0), 7]]), 'a.aedat');
    expect([ev.camera, ev.width, ev.height]).toEqual(['DAVIS240C', 240, 180]);
    expect(list(ev)).toEqual([E(239, 179, 1, 5), E(7, 8, 0, 7)]);
  });
  it('data whose first byte is "#" is not mistaken for one more header line', () => {
    expect(davisAddr(0, 140, 0) >>> 24).toBe(0x23);
    const ev = parseAedat2(aedat2('DAVIS240C', [[davisAddr(0, 140, 0), 5], [davisAddr(1, 2, 1), 6]]), 'a.aedat');
    expect(list(ev)).toEqual([E(0, 140, 0, 5), E(1, 2, 1, 6)]);
  });
  it('rejects bad magic, trailing bytes, coordinates and time order', () => {
    const good = aedat2('DAVIS240C', [[davisAddr(1, 1, 1), 5]]);
    expectReason(() => parseAedat2(new Uint8Array(Buffer.from('#!AER-DAT9.9\r\n')), 'bad.file'), 'BAD_MAGIC', 0);
    expectReason(() => parseAedat2(good.subarray(0, good.length - 3), 'bad.file'), 'TRUNCATED');
    expectReason(() => parseAedat2(aedat2('DAVIS240C', [[davisAddr(300, 1, 1), 5]]), 'bad.file'), 'OUT_OF_RANGE');
    expectReason(() => parseAedat2(aedat2('DVS128', [[dvs128Addr(1, 1, 1), 5], [dvs128Addr(1, 1, 1), 4]]), 'bad.file'), 'NON_MONOTONIC');
  });
});

describe('AEDAT 3.1 (hand-made from the cAER packet layout)', () => {
  const file = aedat3([
    { events: [E(1, 2, 1, 100), { ...E(9, 9, 1, 101), valid: false }, E(127, 0, 0, 150)] },
    { type: 2, raw: { capacity: 2, size: 12 } }, // a frame packet: skipped
    { overflow: 1, events: [E(4, 5, 1, 7)] },
  ]);
  it('reads polarity packets, skips invalid events and other packet types, applies the TS overflow', () => {
    expect(detectEventFormat(file, 'x')).toBe('aedat3');
    const ev = parseAedat3(file, 'g.aedat');
    expect(list(ev)).toEqual([E(1, 2, 1, 100), E(127, 0, 0, 150), E(4, 5, 1, 2 ** 31 + 7)]);
    expect([ev.width, ev.height]).toEqual([128, 128]);
  });
  it('slices a recording into DVS128 Gesture samples with _labels.csv', () => {
    const rec = parseAedat3(aedat3([{ events: [E(1, 1, 1, 5), E(2, 2, 1, 10), E(3, 3, 0, 19), E(4, 4, 1, 20), E(5, 5, 1, 30)] }]), 'u.aedat');
    const labels = parseGestureLabels('class,startTime_usec,endTime_usec\n1,10,20\n3,20,31\n', 'u_labels.csv');
    const parts = sliceByLabels(rec, labels);
    expect(parts.map((p) => [p.label, Array.from(p.events.x)])).toEqual([[1, [2, 3]], [3, [4, 5]]]);
  });
  it('rejects unknown packet types, truncated packets and a missing end of header', () => {
    expectReason(() => parseAedat3(aedat3([{ type: 99, raw: { capacity: 1, size: 8 } }]), 'bad.file'), 'UNKNOWN_PACKET');
    expectReason(() => parseAedat3(file.subarray(0, file.length - 4), 'bad.file'), 'TRUNCATED');
    expectReason(() => parseAedat3(new Uint8Array(Buffer.from('#!AER-DAT3.1\r\n#Source 1: DVS128\r\n')), 'bad.file'), 'BAD_HEADER');
    expectReason(() => parseAedat3(aedat3([{ events: [E(1, 200, 1, 1)] }]), 'bad.file'), 'OUT_OF_RANGE');
    expectReason(() => parseAedat3(aedat3([{ events: [E(1, 2, 1, 9), E(1, 2, 1, 8)] }]), 'bad.file'), 'NON_MONOTONIC');
  });
});

describe('AEDAT 4.0 (hand-made IOHeader, EVTS flatbuffers)', () => {
  const evs = [E(0, 0, 1, 1589163147368868), E(127, 5, 0, 1589163147368900), E(3, 127, 1, 1589163147369000)];
  for (const c of ['none', 'lz4', 'zstd'] as const) {
    it(`reads ${c} packets; other streams skipped; Unix-epoch us exact`, () => {
      const f = aedat4([{ stream: 0, events: evs.slice(0, 2) }, { stream: 3, raw: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }, { stream: 0, events: evs.slice(2) }], c);
      const ev = parseAedat4(f, 'a.aedat4');
      expect(list(ev)).toEqual(evs);
    });
  }
  it('rejects unknown stream ids, a wrong flatbuffer identifier, truncation and bad coordinates', () => {
    expectReason(() => parseAedat4(aedat4([{ stream: 7, events: evs }], 'lz4'), 'bad.file'), 'UNKNOWN_PACKET');
    const wrongId = evtsPacket(evs);
    wrongId.set([0x46, 0x52, 0x4d, 0x45], 8); // "FRME" where "EVTS" belongs
    expectReason(() => parseAedat4(aedat4([{ stream: 0, raw: wrongId }], 'none'), 'bad.file'), 'UNKNOWN_PACKET');
    const f = aedat4([{ stream: 0, events: evs }], 'lz4');
    expectReason(() => parseAedat4(f.subarray(0, f.length - 10), 'bad.file'), 'TRUNCATED');
    expectReason(() => parseAedat4(aedat4([{ stream: 0, events: [E(128, 0, 1, 5)] }], 'zstd'), 'bad.file'), 'OUT_OF_RANGE');
    expectReason(() => parseAedat4(aedat4([{ stream: 0, events: [E(1, 0, 1, 5), E(1, 0, 1, 4)] }], 'none'), 'bad.file'), 'NON_MONOTONIC');
    const corrupt = aedat4([{ stream: 0, events: evs }], 'lz4');
    // The first packet's payload starts after magic (14), header size (4), header, packet header (8).
    const payload = 14 + 4 + Buffer.from(corrupt).readInt32LE(14) + 8;
    corrupt[payload] ^= 0xff; // LZ4 frame magic
    expectReason(() => parseAedat4(corrupt, 'bad.file'), 'CORRUPT', payload);
  });
});

describe('Prophesee EVT 2.0', () => {
  it('combines TIME_HIGH and the 6-bit low time; drops CD words before the first TIME_HIGH', () => {
    const ev = parseEvt2(evt2([evt2Cd(1, 9, 9, 0), evt2High(6400), evt2Cd(1, 639, 479, 5), evt2Cd(0, 0, 0, 63), 0xa0000000, evt2High(6464), evt2Cd(0, 1, 2, 1)]), 'x.raw');
    expect(list(ev)).toEqual([E(639, 479, 1, 6405), E(0, 0, 0, 6463), E(1, 2, 0, 6465)]);
  });
  it('rejects unknown word types and bad coordinates', () => {
    expectReason(() => parseEvt2(evt2([evt2High(0), 0x50000000]), 'bad.file'), 'UNKNOWN_PACKET');
    expectReason(() => parseEvt2(evt2([evt2High(0), evt2Cd(1, 700, 1, 0)]), 'bad.file'), 'OUT_OF_RANGE');
    expectReason(() => parseEvt2(evt2([evt2High(0)]).subarray(0, 30), 'bad.file'), 'TRUNCATED');
  });
});

describe('Prophesee EVT 3.0 (hand-made words, vectors included)', () => {
  it('decodes ADDR_X, VECT_12 and VECT_8 against the running y, x base and time', () => {
    const t = 0x123456;
    const words = [E3.high(t), E3.low(t), E3.y(7), E3.x(100, 1), E3.base(10, 0), E3.v12(0b100000000101), E3.v8(0b10000001), E3.low(t + 1), E3.y(8), E3.x(1279, 0)];
    const ev = parseEvt3(evt3(words), 'x.raw');
    expect(list(ev)).toEqual([E(100, 7, 1, t), E(10, 7, 0, t), E(12, 7, 0, t), E(21, 7, 0, t), E(22, 7, 0, t), E(29, 7, 0, t), E(1279, 8, 0, t + 1)]);
  });
  it('unwraps the 24-bit time', () => {
    const ev = parseEvt3(evt3([E3.high(0xfff000), E3.low(0xffffff), E3.y(1), E3.x(1, 1), E3.high(0), E3.low(5), E3.x(2, 1)]), 'x.raw');
    expect(Array.from(ev.t)).toEqual([0xffffff, (1 << 24) + 5]);
  });
  it('rejects reserved word types, vectors past the sensor edge and time going back', () => {
    expectReason(() => parseEvt3(evt3([E3.high(0), 0x9000]), 'bad.file'), 'UNKNOWN_PACKET');
    expectReason(() => parseEvt3(evt3([E3.high(0), E3.y(1), E3.base(1275, 1), E3.v12(0xfff)]), 'bad.file'), 'OUT_OF_RANGE');
    expectReason(() => parseEvt3(evt3([E3.high(4096 * 5), E3.y(1), E3.x(1, 1), E3.high(4096 * 3), E3.x(1, 1)]), 'bad.file'), 'NON_MONOTONIC');
  });
});

describe('Prophesee .dat', () => {
  it('reads CD events with the header geometry', () => {
    const ev = parseProphDat(dat([E(303, 239, 1, 5), E(0, 0, 0, 9)]), 'x.dat');
    expect(list(ev)).toEqual([E(303, 239, 1, 5), E(0, 0, 0, 9)]);
  });
  it('rejects other event types, coordinates and truncation', () => {
    const f = dat([E(1, 1, 1, 5)]);
    const other = f.slice();
    other[f.length - 9 - 1] = 12; // event size byte
    expectReason(() => parseProphDat(other, 'bad.file'), 'UNKNOWN_PACKET');
    expectReason(() => parseProphDat(dat([E(305, 1, 1, 5)]), 'bad.file'), 'OUT_OF_RANGE');
    expectReason(() => parseProphDat(f.subarray(0, f.length - 1), 'bad.file'), 'TRUNCATED');
  });
});

describe('detection', () => {
  it('names empty and unrecognisable files', () => {
    expectReason(() => parseEventBytes(new Uint8Array(0), 'bad.file'), 'EMPTY', 0);
    expectReason(() => detectEventFormat(new Uint8Array([1, 2, 3, 4]), 'bad.file'), 'UNKNOWN_FORMAT', 0);
    expectReason(() => detectEventFormat(new Uint8Array(Buffer.from('% something\n')), 'bad.file'), 'UNKNOWN_FORMAT', 0);
  });
});
