import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsDecodeOrNull, cobsEncode, cobsMaxEncodedLength } from '../../../core/board/cobs';
import { crc32c, crc32cBitwise } from '../../../core/board/crc32c';
import { encodeFrame, FrameDecoder, type Frame } from '../../../core/board/frame';
import { Rng } from '../../../core/snn/rng';

const hex = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean).map((h) => parseInt(h, 16)));
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('COBS (Cheshire & Baker 1999; Wikipedia examples)', () => {
  const vectors: [number[], number[]][] = [
    [[0x00], [0x01, 0x01]],
    [[0x00, 0x00], [0x01, 0x01, 0x01]],
    [[0x00, 0x11, 0x00], [0x01, 0x02, 0x11, 0x01]],
    [[0x11, 0x22, 0x00, 0x33], [0x03, 0x11, 0x22, 0x02, 0x33]],
    [[0x11, 0x22, 0x33, 0x44], [0x05, 0x11, 0x22, 0x33, 0x44]],
    [[0x11, 0x00, 0x00, 0x00], [0x02, 0x11, 0x01, 0x01, 0x01]],
    [range(0x01, 0xfe), [0xff, ...range(0x01, 0xfe)]],
    [range(0x00, 0xfe), [0x01, 0xff, ...range(0x01, 0xfe)]],
    [range(0x01, 0xff), [0xff, ...range(0x01, 0xfe), 0x02, 0xff]],
    [[...range(0x02, 0xff), 0x00], [0xff, ...range(0x02, 0xff), 0x01, 0x01]],
    [[...range(0x03, 0xff), 0x00, 0x01], [0xfe, ...range(0x03, 0xff), 0x02, 0x01]],
  ];
  it.each(vectors.map((v, i) => [i + 1, v[0], v[1]] as const))('example %i encodes and decodes', (_i, raw, enc) => {
    expect([...cobsEncode(Uint8Array.from(raw))]).toEqual(enc);
    expect([...cobsDecode(Uint8Array.from(enc))]).toEqual(raw);
  });

  it('round-trips random data within the overhead bound and never emits 0x00', () => {
    const rng = new Rng(1);
    for (let n = 0; n < 600; n += 7) {
      const d = new Uint8Array(n);
      for (let i = 0; i < n; i++) d[i] = rng.next() < 0.2 ? 0 : rng.nextU32() & 0xff;
      const e = cobsEncode(d);
      expect(e.length).toBeLessThanOrEqual(cobsMaxEncodedLength(n));
      expect(e.includes(0)).toBe(false);
      expect([...cobsDecode(e)]).toEqual([...d]);
    }
  });

  it('rejects malformed blocks', () => {
    expect(cobsDecodeOrNull(hex('05 11 22'))).toBeNull();
    expect(cobsDecodeOrNull(hex('02 00'))).toBeNull();
    expect(() => cobsDecode(hex('03 11'))).toThrow(expect.objectContaining({ code: 'BOARD_DECODE' }));
  });
});

describe('CRC-32C (Castagnoli)', () => {
  it('matches the check value and RFC 3720 B.4 vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from(range(0, 31)))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from(range(0, 31).reverse()))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
  it('slicing-by-8 equals the bitwise definition and can be continued', () => {
    const rng = new Rng(2);
    for (let n = 0; n < 100; n++) {
      const d = Uint8Array.from({ length: n * 3 }, () => rng.nextU32() & 0xff);
      expect(crc32c(d)).toBe(crc32cBitwise(d));
      const cut = Math.floor(d.length / 3);
      expect(crc32c(d, crc32c(d.subarray(0, cut)), cut)).toBe(crc32c(d));
    }
  });
});

describe('frames', () => {
  it('encodes the documented example frame byte for byte', () => {
    // PING seq 1 with nonce 0x12345678 (the PING example of docs/board-protocol.md).
    const w = encodeFrame(0x02, 0x01, 0x0001, hex('78 56 34 12'));
    const raw = hex('01 02 01 01 00 04 00 78 56 34 12');
    // Cross-checked with an independent bitwise CRC-32C and COBS written in Python.
    expect(crc32c(raw)).toBe(0x5b630aae);
    expect([...w]).toEqual([...hex('00 05 01 02 01 01 02 04 09 78 56 34 12 ae 0a 63 5b 00')]);
  });

  const frames = (n: number, seed: number): Frame[] => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, (_, i) => {
      const len = rng.nextU32() % 300;
      return { ver: 1, type: rng.nextU32() & 0xff, flags: rng.nextU32() & 0xff, seq: i & 0xffff, payload: Uint8Array.from({ length: len }, () => (rng.next() < 0.1 ? 0 : rng.nextU32() & 0xff)) };
    });
  };
  const wireOf = (fs: Frame[]): Uint8Array => {
    const parts = fs.map((f) => encodeFrame(f.type, f.flags, f.seq, f.payload));
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };

  it('decodes any chunking of a stream identically', () => {
    const fs = frames(200, 3);
    const wire = wireOf(fs);
    const rng = new Rng(4);
    for (let trial = 0; trial < 20; trial++) {
      const d = new FrameDecoder();
      const got: Frame[] = [];
      for (let o = 0; o < wire.length; ) {
        const n = trial === 0 ? 1 : 1 + (rng.nextU32() % 700);
        got.push(...d.push(wire.subarray(o, o + n)));
        o += n;
      }
      expect(got.length).toBe(fs.length);
      got.forEach((g, i) => {
        expect(g.type).toBe(fs[i].type);
        expect(g.flags).toBe(fs[i].flags);
        expect(g.seq).toBe(fs[i].seq);
        expect([...g.payload]).toEqual([...fs[i].payload]);
      });
      expect(d.stats.badCrc + d.stats.badLength + d.stats.cobsErrors).toBe(0);
    }
  });

  it('fuzz: random bytes, flips, drops, duplicates never throw, never deliver a corrupted frame, and resync', () => {
    const fs = frames(300, 5);
    const byKey = new Map(fs.map((f) => [f.seq, f]));
    const wire = wireOf(fs);
    for (let seed = 0; seed < 12; seed++) {
      const rng = new Rng(100 + seed);
      const mangled: number[] = [];
      for (const b of wire) {
        const r = rng.next();
        if (r < 0.001) continue; // drop
        if (r < 0.002) mangled.push(b, b); // duplicate
        else if (r < 0.003) mangled.push(b ^ (1 << (rng.nextU32() & 7))); // flip
        else if (r < 0.0035) mangled.push(rng.nextU32() & 0xff, rng.nextU32() & 0xff); // garbage
        else mangled.push(b);
      }
      const d = new FrameDecoder();
      const got: Frame[] = [];
      const m = Uint8Array.from(mangled);
      for (let o = 0; o < m.length; ) {
        const n = 1 + (rng.nextU32() % 97);
        got.push(...d.push(m.subarray(o, o + n)));
        o += n;
      }
      // Whatever arrives is exactly a frame that was sent (CRC-32C); most frames survive.
      for (const g of got) {
        const f = byKey.get(g.seq);
        expect(f).toBeDefined();
        expect([...g.payload]).toEqual([...(f as Frame).payload]);
      }
      expect(got.length).toBeGreaterThan(fs.length * 0.5);
      const s = d.stats;
      expect(s.frames + s.badCrc + s.badLength + s.cobsErrors + s.badVersion).toBeGreaterThanOrEqual(got.length);
    }
    // Pure noise.
    const rng = new Rng(9);
    const d = new FrameDecoder();
    for (let i = 0; i < 200; i++) d.push(Uint8Array.from({ length: 500 }, () => rng.nextU32() & 0xff));
    expect(d.stats.frames).toBe(0);
    // ... after which a clean frame still decodes (resync at the next delimiter).
    const ok = d.push(encodeFrame(2, 1, 7, hex('01 02')));
    expect(ok.map((f) => f.seq)).toEqual([7]);
  });

  it('drops oversize input up to the next delimiter and counts it', () => {
    const d = new FrameDecoder(16);
    expect(d.push(new Uint8Array(200).fill(0x55))).toEqual([]);
    expect(d.stats.oversize).toBe(1);
    expect(d.push(encodeFrame(2, 1, 3, hex('01'))).length).toBe(1);
  });
});
