import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../core/board/crc32c';
import { encodeFrame, FrameDecoder } from '../../../core/board/frame';
import { MSG } from '../../../core/board/messages';

const doc = readFileSync(join(__dirname, '../../../docs/board-protocol.md'), 'utf8');
const bytes = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/).map((h) => parseInt(h, 16)));

describe('docs/board-protocol.md example frames', () => {
  const examples = [...doc.matchAll(/raw: {2}([0-9a-f ]+)\ncrc: {2}0x([0-9A-F]{8})\nwire: ([0-9a-f ]+)/g)];
  it('has examples for the message kinds an FPGA engineer needs first', () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
  });
  it.each(examples.map((m, i) => [i, m[1], m[2], m[3]] as const))('example %i: CRC and wire bytes match the codec', (_i, rawHex, crcHex, wireHex) => {
    const raw = bytes(rawHex);
    expect(crc32c(raw)).toBe(parseInt(crcHex, 16));
    const seq = raw[3] | (raw[4] << 8);
    expect([...encodeFrame(raw[1], raw[2], seq, raw.subarray(7))]).toEqual([...bytes(wireHex)]);
    const f = new FrameDecoder().push(bytes(wireHex));
    expect(f.length).toBe(1);
    expect([...f[0].payload]).toEqual([...raw.subarray(7)]);
  });
  it('documents every message type and NAK code', () => {
    for (const name of Object.keys(MSG)) expect(doc).toContain(`| ${name} |`);
    for (const name of ['BAD_MESSAGE', 'NOT_STOPPED', 'IMAGE_CRC', 'IMAGE_INCOMPLETE', 'NOT_COMMITTED', 'UNSUPPORTED']) expect(doc).toContain(`| ${name} |`);
  });
});
