/**
 * One conformance suite, run against every transport: in-memory pair, the lossy shaper (seeded 1 %
 * drop / duplicate / flip both ways), the baud-limited model at 921600 baud, and a real pty pair
 * made by socat (emulator in-process on the other end).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardClient } from '../../../core/board/client';
import { BoardEmulator } from '../../../core/board/emulator/boardEmulator';
import { quantiseNetwork } from '../../../core/board/quantise';
import { QuantReference } from '../../../core/board/referenceSim';
import type { Transport } from '../../../core/board/transport';
import { BaudLimitedTransport } from '../../../core/board/transportBaud';
import { LossyTransport } from '../../../core/board/transportLossy';
import { createMemoryPair } from '../../../core/board/transportMemory';
import { openPtyPair } from '../../../core/board/transportPty';
import { SerialTransport } from '../../../core/board/transportSerial';
import { makeNetwork, mlpSpec, poissonInput } from '../../unit/board/helpers';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Pair = { host: Transport; board: Transport };
const factories: [string, () => Promise<Pair>][] = [
  ['memory', async () => {
    const [host, board] = createMemoryPair();
    return { host, board };
  }],
  ['lossy 1 %', async () => {
    const [a, b] = createMemoryPair();
    const o = { drop: 0.01, duplicate: 0.01, flip: 0.01 };
    return { host: new LossyTransport(a, { seed: 31, ...o }), board: new LossyTransport(b, { seed: 32, ...o }) };
  }],
  ['921600 baud', async () => {
    const [a, b] = createMemoryPair();
    return { host: new BaudLimitedTransport(a, { baud: 921600 }), board: new BaudLimitedTransport(b, { baud: 921600 }) };
  }],
];
if (hasSocat)
  factories.push(['socat pty', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const board = await SerialTransport.open({ path: pair.boardPath });
    const host = await SerialTransport.open({ path: pair.hostPath });
    return { host, board };
  }]);

describe.each(factories)('conformance over %s', (_name, make) => {
  it('handshake, upload, verify, commit, readback, NAK, run = reference', async () => {
    const { host, board } = await make();
    const emu = new BoardEmulator(board, { caps: { neuronsPerCore: 32 } });
    cleanups.push(async () => {
      await host.close();
      await emu.close();
    });
    const client = await BoardClient.connect(host, { initialRtoMs: 40, maxRtoMs: 400, maxRetries: 12, runIdleMs: 60 });
    expect(client.capabilities.protocolMajor).toBe(1);
    const q = quantiseNetwork(makeNetwork(mlpSpec([80, 48, 10]), 21));
    const img = await client.upload(q);
    await client.commit(img);
    expect([...(await client.readback('neuron', 'active', 0, 64))]).toEqual([...img.neuron.subarray(0, 64)]);
    await expect(client.readState('membrane', 5, 0, 1)).rejects.toMatchObject({ code: 'BOARD_NAK', nak: 'OUT_OF_RANGE' });
    const x = poissonInput(80, 12, 3);
    const r = await client.runSample(x, 1, 10);
    if (r.counters.spikeGaps === 0) expect([...r.outputCounts]).toEqual([...new QuantReference(q).run(x).outputCounts]);
    expect(r.counters.ticks).toBe(12);
  }, 12_000);
});

describe.skipIf(!hasSocat)('discovery', () => {
  it('a pty with the emulator behind it is a board; one with nothing behind it is not', async () => {
    const { probePort } = await import('../../../core/board/discovery');
    const live = await openPtyPair();
    const silent = await openPtyPair();
    cleanups.push(() => live.close(), () => silent.close());
    const board = await SerialTransport.open({ path: live.boardPath });
    const emu = new BoardEmulator(board);
    cleanups.push(() => emu.close());
    const yes = await probePort(live.hostPath, { timeoutMs: 400 });
    expect(yes.isBoard).toBe(true);
    expect(yes.capabilities?.boardId).toBe('spikelab-emulator');
    const no = await probePort(silent.hostPath, { timeoutMs: 200 });
    expect(no.isBoard).toBe(false);
    expect(no.reason).toMatch(/BOARD_TIMEOUT/);
    expect((await probePort('/nonexistent/tty')).isBoard).toBe(false);
  }, 10_000);
});
