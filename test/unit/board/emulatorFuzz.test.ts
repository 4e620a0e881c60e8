import { describe, expect, it } from 'vitest';
import { BoardEmulator } from '../../../core/board/emulator/boardEmulator';
import { encodeFrame, FLAG_REQUEST, FLAG_SPIKE, FrameDecoder, type Frame } from '../../../core/board/frame';
import { encodeHelloRequest, MSG } from '../../../core/board/messages';
import { createMemoryPair } from '../../../core/board/transportMemory';
import { Rng } from '../../../core/snn/rng';

describe('emulator robustness', () => {
  it('answers every request with random payloads (ACK, NAK or data) and never throws', async () => {
    const [a, b] = createMemoryPair();
    const emu = new BoardEmulator(b, { caps: { neuronsPerCore: 8, meshX: 2, meshY: 2 } });
    const dec = new FrameDecoder();
    const replies: Frame[] = [];
    a.onData((c) => replies.push(...dec.push(c)));
    const rng = new Rng(77);
    let seq = 100;
    a.write(encodeFrame(MSG.HELLO, FLAG_REQUEST, seq++, encodeHelloRequest({ protocolMajor: 1, protocolMinor: 0 })));
    const types = [MSG.PING, MSG.CONFIG, MSG.NEURON, MSG.ROUTE, MSG.WEIGHT_BEGIN, MSG.WEIGHT_CHUNK, MSG.WEIGHT_END, MSG.VERIFY, MSG.READBACK, MSG.COMMIT, MSG.RUN, MSG.STEP, MSG.STOP, MSG.RESET_STATE, MSG.STATUS, MSG.STATE_READ, 0x55];
    // A valid tiny CONFIG now and then so later messages get past NO_CONFIG.
    const config = Uint8Array.of(4, 0, 16, 1, 2, 0, 4, 0, 8, 1, 0, 1, 3, 0, 0, 0);
    const sent = 2000;
    for (let i = 0; i < sent; i++) {
      const type = types[rng.nextU32() % types.length];
      const len = rng.nextU32() % 24;
      let p = Uint8Array.from({ length: len }, () => (rng.next() < 0.5 ? rng.nextU32() & 3 : rng.nextU32() & 0xff));
      if (type === MSG.CONFIG && rng.next() < 0.5) p = config;
      a.write(encodeFrame(type, FLAG_REQUEST, seq++ & 0xffff, p));
      if (rng.next() < 0.1) a.write(encodeFrame(MSG.SPIKE_IN, FLAG_SPIKE, i & 0xffff, p));
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 50));
    const answers = replies.filter((f) => f.flags & 0x02);
    expect(answers.length).toBe(sent + 1);
    const naks = answers.filter((f) => f.type === MSG.NAK).length;
    expect(naks).toBeGreaterThan(sent / 4);
    expect(answers.length - naks).toBeGreaterThan(sent / 10);
    await a.close();
    await emu.close();
  });
});
