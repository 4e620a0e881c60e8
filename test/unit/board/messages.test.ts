import { describe, expect, it } from 'vitest';
import * as M from '../../../core/board/messages';
import { DEFAULT_CAPABILITIES } from '../../../core/board/emulator/boardEmulator';

describe('messages round-trip', () => {
  it('HELLO, CONFIG, chunks, replies, spike batches, counters', () => {
    expect(M.decodeCapabilities(M.encodeCapabilities(DEFAULT_CAPABILITIES))).toEqual(DEFAULT_CAPABILITIES);
    expect(M.decodeHelloRequest(M.encodeHelloRequest({ protocolMajor: 1, protocolMinor: 0 }))).toEqual({ protocolMajor: 1, protocolMinor: 0 });
    expect(M.decodePing(M.encodePing(0xdeadbeef))).toBe(0xdeadbeef);
    const cfg: M.NetworkConfig = {
      inputs: 784, membraneBits: 24,
      layers: [
        { neurons: 400, fanIn: 784, weightBits: 8, leakMode: 'shift', leak: 3, resetMode: 'zero', output: false },
        { neurons: 10, fanIn: 400, weightBits: 16, leakMode: 'subtract', leak: 12, resetMode: 'subtract', output: true },
      ],
    };
    expect(M.decodeConfig(M.encodeConfig(cfg))).toEqual(cfg);
    const nc = { layer: 1, start: 4, params: Int32Array.from([-5, 100, 7, 2 ** 31 - 1]) };
    expect(M.decodeNeuronChunk(M.encodeNeuronChunk(nc))).toEqual(nc);
    const rc = { start: 2, entries: [{ layer: 0, firstNeuron: 256, count: 144, coreX: 1, coreY: 0 }] };
    expect(M.decodeRouteChunk(M.encodeRouteChunk(rc))).toEqual(rc);
    expect(M.decodeWeightBegin(M.encodeWeightBegin({ totalBytes: 313600, imageCrc: 0x89abcdef }))).toEqual({ totalBytes: 313600, imageCrc: 0x89abcdef });
    const wc = { offset: 1020, data: Uint8Array.of(0, 1, 255) };
    expect(M.decodeWeightChunk(M.encodeWeightChunk(wc))).toEqual(wc);
    const crcs = { config: 1, neuron: 2, route: 3, weight: 0xffffffff };
    expect(M.decodeImageCrcs(M.encodeImageCrcs(crcs))).toEqual(crcs);
    expect(M.decodeReadbackRequest(M.encodeReadbackRequest({ region: 'weight', bank: 'active', offset: 9, length: 100 }))).toEqual({ region: 'weight', bank: 'active', offset: 9, length: 100 });
    const counters = { ...M.zeroCounters(), synOps: 2 ** 40 + 3, cycles: 77 };
    const st: M.Status = { state: 'running', committed: true, tick: 5, ticksLeft: 11, creditSeq: 65535, counters };
    expect(M.decodeStatus(M.encodeStatus(st))).toEqual(st);
    expect(M.decodeCounters(M.encodeCounters(counters))).toEqual(counters);
    const sb = { tick: 3, layer: 1, ids: Uint16Array.of(1, 65535) };
    expect(M.decodeSpikeBatch(M.encodeSpikeBatch(sb))).toEqual(sb);
    expect(M.decodeTickEnd(M.encodeTickEnd({ tick: 1, creditSeq: 2, spikesOut: 3 }))).toEqual({ tick: 1, creditSeq: 2, spikesOut: 3 });
    expect(M.decodeNak(M.encodeNak({ code: M.NAK_CODES.IMAGE_CRC, requestType: M.MSG.COMMIT, message: 'weight' }))).toEqual({ code: 8, requestType: 0x0b, message: 'weight' });
    expect(M.decodeStateReadReply(M.encodeStateReadReply(Int32Array.of(-1, 0, 5)))).toEqual(Int32Array.of(-1, 0, 5));
    expect(M.decodeLog(M.encodeLog('warn', 'fifo overflow'))).toEqual({ level: 'warn', text: 'fifo overflow' });
  });

  it('rejects short, trailing and out-of-range payloads with BOARD_DECODE / BOARD_ENCODE', () => {
    expect(() => M.decodeConfig(Uint8Array.of(1, 2))).toThrow(expect.objectContaining({ code: 'BOARD_DECODE' }));
    expect(() => M.decodePing(Uint8Array.of(1, 2, 3, 4, 5))).toThrow(expect.objectContaining({ code: 'BOARD_DECODE' }));
    expect(() => M.decodeVerifyRequest(Uint8Array.of(7))).toThrow(expect.objectContaining({ code: 'BOARD_DECODE' }));
    expect(() => M.encodeStep(70000)).toThrow(expect.objectContaining({ code: 'BOARD_ENCODE' }));
    expect(M.nakName(8)).toBe('IMAGE_CRC');
    expect(M.msgName(0x20)).toBe('SPIKE_IN');
  });
});
