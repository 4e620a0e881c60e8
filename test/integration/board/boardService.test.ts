/**
 * BoardService (core/lab/board/service.ts) end to end below the transports: a run folder with a
 * small trained-shape MNIST network, the in-process emulator, serial ports replaced by memory links
 * to an emulator that the test can unplug or silence.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PORT, type RunEvent } from '../../../core/api/contract';
import { BoardEmulator } from '../../../core/board/emulator/boardEmulator';
import type { Capabilities } from '../../../core/board/messages';
import type { Transport } from '../../../core/board/transport';
import { createMemoryPair } from '../../../core/board/transportMemory';
import { BoardService, type BoardServiceOptions } from '../../../core/lab/board/service';
import { boardEvents, createBoardLab, rejects, type BoardLab } from './labFixture';

const RUN = '20260101-000000-board-test-abcdef';
const UNFINISHED = '20260101-000000-unfinished-abcdef';
/** 784 -> 200 -> 10: about 157 KB of int8 weights, so an upload is still going when a test pulls the link. */
const BIG = '20260101-000000-board-big-abcdef';
let lab: BoardLab;
let events: RunEvent[];
const services: BoardService[] = [];

function service(opts: BoardServiceOptions = {}): BoardService {
  const s = new BoardService(lab.ctx(), { checkSamples: 20, ...opts });
  services.push(s);
  return s;
}

/**
 * A "serial port" that is a memory link to an emulator. `unplug` closes the host side; with
 * `{ gone: true }` the port also stays absent (open fails) until `replug`. With `keepBoard` the
 * same emulator is re-attached on every open, as a board on its own power keeps its images across a
 * cable pull; otherwise every open finds a fresh (reset) board.
 */
function fakePort(caps: Partial<Capabilities> = {}, keepBoard = false) {
  let host: Transport | null = null;
  let board: BoardEmulator | null = null;
  let muted = false;
  let gone = false;
  let writes = 0;
  let opens = 0;
  let unplugAt = -1;
  return {
    open: async (path: string): Promise<Transport> => {
      if (path !== '/dev/ttyFAKE0' || gone) throw new Error(`no such port ${path}`);
      opens++;
      const [h, b] = createMemoryPair();
      if (keepBoard && board) board.attach(b);
      else board = new BoardEmulator(b, { caps });
      host = {
        get closed() {
          return h.closed;
        },
        write: (bytes) => {
          writes++;
          if (!muted) h.write(bytes);
          if (writes === unplugAt) void h.close();
        },
        onData: (cb) => h.onData(cb),
        onClose: (cb) => h.onClose(cb),
        close: () => h.close(),
      };
      return host;
    },
    unplug: (o: { gone?: boolean } = {}) => {
      gone = o.gone ?? false;
      void host?.close();
    },
    replug: () => {
      gone = false;
    },
    /** Unplugs right after the host's `n`-th further write. */
    unplugAfterWrites: (n: number) => {
      unplugAt = writes + n;
    },
    mute: () => {
      muted = true;
    },
    writes: () => writes,
    opens: () => opens,
  };
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(() => {
  lab = createBoardLab();
  events = lab.events;
  lab.addRun(RUN, true);
  lab.addRun(UNFINISHED, false);
  lab.addRun(BIG, true, 200);
  return () => lab.cleanup();
});

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  events.length = 0;
});

describe('BoardService on the in-process emulator', () => {
  it('lists the emulator first and marks likely boards by USB id only as a hint', async () => {
    const s = service({ listPorts: async () => [{ path: '/dev/ttyUSB1', vendorId: '0403', productId: '6010', manufacturer: 'FTDI' }, { path: '/dev/ttyS0' }] });
    const ports = await s.listBoardPorts();
    expect(ports.map((p) => [p.path, p.emulator, p.likelyBoard])).toEqual([[EMULATOR_PORT, true, true], ['/dev/ttyUSB1', false, true], ['/dev/ttyS0', false, false]]);
  });

  it('connects, checks, uploads with progress, runs a sample like the software reference, disconnects', async () => {
    const s = service();
    const st = await s.connectBoard(EMULATOR_PORT);
    expect(st).toMatchObject({ connected: true, port: EMULATOR_PORT, committedRunId: null, lastError: null });
    expect(st.capabilities).toMatchObject({ boardId: 'spikelab-emulator', cores: 16, weightBits: [8, 16] });

    const check = await s.checkBoardModel(RUN);
    expect(check.ok).toBe(true);
    expect(check.violations).toEqual([]);
    expect(check.layers.map((l) => [l.name, l.neurons, l.fanIn, l.weightBits, l.cores])).toEqual([['lif1', 40, 784, 8, 1], ['lif2', 10, 40, 8, 1]]);
    expect(check.samples).toBe(20);
    expect(check.floatAccuracy).toBeGreaterThanOrEqual(0);
    expect(check.quantisedAccuracy).toBeGreaterThanOrEqual(0);

    const up = await s.uploadToBoard(RUN);
    expect(up).toMatchObject({ runId: RUN, verified: true, committed: true });
    expect(up.bytes).toBeGreaterThan(784 * 40);
    expect(up.wireBytes).toBeGreaterThan(up.bytes);
    const upload = events.filter((e) => e.type === 'board' && e.phase === 'upload');
    expect(upload.length).toBeGreaterThan(0);
    const lastUpload = upload[upload.length - 1] as Extract<RunEvent, { type: 'board' }>;
    expect(lastUpload.done).toBe(lastUpload.total);
    expect(events.some((e) => e.type === 'board' && e.phase === 'verify')).toBe(true);
    expect((await s.getBoardState()).committedRunId).toBe(RUN);

    for (const sample of [0, 1, 2]) {
      const r = await s.runOnBoard(RUN, sample);
      expect(r.ticks).toBe(12);
      expect(r.label).toBeGreaterThanOrEqual(0);
      expect(r.counts).toEqual(r.softwareCounts);
      expect(r.matchesSoftware).toBe(true);
      expect(r.predicted).toBe(r.softwarePredicted);
      expect(r.outTimes.length).toBe(r.counts.reduce((a, b) => a + b, 0));
      expect(r.counters.ticks).toBe(12);
      expect(r.counters.synOps).toBeGreaterThan(0);
      expect(r.estimates.map((e) => e.estimate)).toEqual([true, true]);
      expect(r.estimates[0].joules).toBeGreaterThan(0);
    }
    // The network fires: a board that predicted from all-zero counts would pass too easily.
    const r0 = await s.runOnBoard(RUN, 0);
    expect(r0.counts.some((c) => c > 0)).toBe(true);

    const after = await s.disconnectBoard();
    expect(after).toMatchObject({ connected: false, port: null, committedRunId: null });
    await rejects(s.runOnBoard(RUN, 0), 'TRANSPORT', /no board connected/);
  });

  it('refuses a run with no committed model, an unfinished run, an unknown run and a sample outside the test set', async () => {
    const s = service();
    await s.connectBoard(EMULATOR_PORT);
    await rejects(s.runOnBoard(RUN, 0), 'CONFLICT', /no model is committed/);
    await rejects(s.uploadToBoard(UNFINISHED), 'CONFLICT', /has no final weights/);
    await rejects(s.checkBoardModel(UNFINISHED), 'CONFLICT', /has no final weights/);
    await rejects(s.uploadToBoard('20990101-000000-nope-000000'), 'NOT_FOUND', /no run/);
    await s.uploadToBoard(RUN);
    await rejects(s.runOnBoard(RUN, 10_000), 'BAD_REQUEST', /sample 10000 is outside the MNIST test set \(10000 images/);
  });

  it('checks against the emulator defaults when no board is connected', async () => {
    const s = service({ checkSamples: 0 });
    const check = await s.checkBoardModel(RUN);
    expect(check).toMatchObject({ ok: true, samples: 0, floatAccuracy: null, quantisedAccuracy: null });
  });

  it('fails cleanly for a port that does not exist and for a port that is not a board', async () => {
    const s = service();
    await rejects(s.connectBoard('/dev/spikelab-no-such-port'), 'TRANSPORT', /cannot open \/dev\/spikelab-no-such-port/);
    const silent = service({
      openPort: async () => createMemoryPair()[0],
      serialClient: { initialRtoMs: 10, maxRtoMs: 20, maxRetries: 2 },
    });
    await rejects(silent.connectBoard('/dev/ttyQUIET'), 'TRANSPORT', /\/dev\/ttyQUIET is not a SpikeLab board/);
    expect((await silent.getBoardState()).connected).toBe(false);
  });
});

describe('BoardService on a smaller board', () => {
  it('reports every violated limit with a message and refuses to upload, keeping nothing committed', async () => {
    const port = fakePort({ meshX: 2, meshY: 2, neuronsPerCore: 8, maxFanIn: 512, weightBits: [16] });
    const s = service({ openPort: port.open, checkSamples: 0 });
    const st = await s.connectBoard('/dev/ttyFAKE0');
    expect(st.capabilities).toMatchObject({ cores: 4, neuronsPerCore: 8, fanIn: 512, weightBits: [16] });
    const check = await s.checkBoardModel(RUN);
    expect(check.ok).toBe(false);
    // int16 is all this board takes, so the quantiser picks it.
    expect(check.layers.map((l) => l.weightBits)).toEqual([16, 16]);
    expect(check.violations.map((v) => [v.code, v.layer])).toEqual([
      ['LAYER_TOO_WIDE', 'lif1'],
      ['FAN_IN_TOO_LARGE', 'lif1'],
    ]);
    expect(check.violations[0].message).toBe('layer "lif1" has 40 neurons: at 8 per core it needs 5 cores, the board has 4');
    expect(check.violations[1].message).toBe('layer "lif1" has fan-in 784; the board allows at most 512 inputs per neuron');
    await rejects(s.uploadToBoard(RUN), 'BAD_REQUEST', /does not fit the board: layer "lif1" has 40 neurons.*fan-in 784/);
    expect((await s.getBoardState()).committedRunId).toBeNull();
  });
});

describe('BoardService link loss', () => {
  it('an unplug mid-run fails the run, drops the link, sets lastError and emits a link event', async () => {
    const port = fakePort();
    // Without automatic reconnection, so that "later calls fail until the user reconnects" holds.
    const s = service({ openPort: port.open, reconnect: false });
    await s.connectBoard('/dev/ttyFAKE0');
    await s.uploadToBoard(RUN);
    // Unplug once the run has started streaming input: after RUN and the first SPIKE_IN frames.
    const origEmit = events.push.bind(events);
    events.push = (...e: RunEvent[]) => {
      for (const x of e) if (x.type === 'board' && x.phase === 'run' && x.done === 0) port.unplugAfterWrites(5);
      return origEmit(...e);
    };
    try {
      await rejects(s.runOnBoard(RUN, 0), 'TRANSPORT', /lost/);
    } finally {
      events.push = origEmit;
    }
    const st = await s.getBoardState();
    expect(st.connected).toBe(false);
    expect(st.lastError).toMatch(/link to \/dev\/ttyFAKE0 lost/);
    expect(events.some((e) => e.type === 'board' && e.phase === 'link' && /lost/.test(e.message))).toBe(true);
    await rejects(s.runOnBoard(RUN, 0), 'TRANSPORT', /no board connected \(link to \/dev\/ttyFAKE0 lost/);
    // Reconnecting clears the error.
    expect((await s.connectBoard('/dev/ttyFAKE0')).lastError).toBeNull();
  });

  it('a board that stops answering is detected by the heartbeat', async () => {
    const port = fakePort();
    const s = service({ openPort: port.open, heartbeatMs: 30, serialClient: { initialRtoMs: 10, maxRtoMs: 20, maxRetries: 2 } });
    await s.connectBoard('/dev/ttyFAKE0');
    port.mute();
    const t0 = Date.now();
    while ((await s.getBoardState()).connected && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    const st = await s.getBoardState();
    expect(st.connected).toBe(false);
    expect(st.lastError).toMatch(/lost/);
    expect(events.some((e) => e.type === 'board' && e.phase === 'link')).toBe(true);
  });

  it('reconnects with backoff once the port reappears; a board that kept its image keeps the committed run', async () => {
    const port = fakePort({}, true);
    const s = service({ openPort: port.open, reconnect: { initialDelayMs: 20, maxDelayMs: 80, budgetMs: 5000 } });
    await s.connectBoard('/dev/ttyFAKE0');
    await s.uploadToBoard(RUN);
    events.length = 0;
    port.unplug({ gone: true });
    await until(async () => !(await s.getBoardState()).connected, 1000, 'the loss to be noticed');
    expect((await s.getBoardState()).lastError).toMatch(/link to \/dev\/ttyFAKE0 lost/);
    // While the port is gone: calls fail at once, attempts fail at open and back off.
    const t0 = Date.now();
    await rejects(s.runOnBoard(RUN, 0), 'TRANSPORT', /no board connected \(link to \/dev\/ttyFAKE0 lost.*reconnecting/);
    expect(Date.now() - t0).toBeLessThan(100);
    await new Promise((r) => setTimeout(r, 300));
    const waiting = await s.getBoardState();
    expect(waiting.connected).toBe(false);
    expect(waiting.lastError).toMatch(/reconnecting \(attempt \d+ failed: cannot open \/dev\/ttyFAKE0/);
    // 20, 40, 80, 80 ms ... : about 5 attempts in 300 ms, not one per tick.
    const attempts = Number(/attempt (\d+)/.exec(waiting.lastError ?? '')?.[1]);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(7);
    expect(port.opens()).toBe(1);

    port.replug();
    await until(async () => (await s.getBoardState()).connected, 2000, 'the reconnect');
    const back = await s.getBoardState();
    expect(back).toMatchObject({ connected: true, port: '/dev/ttyFAKE0', committedRunId: RUN, lastError: null });
    expect(back.capabilities?.boardId).toBe('spikelab-emulator');
    expect(boardEvents(events, 'link').map((e) => e.message)).toEqual([
      expect.stringMatching(/lost/),
      expect.stringMatching(/^reconnected to spikelab-emulator on \/dev\/ttyFAKE0 \(attempt \d+\); run .* is still committed$/),
    ]);
    const r = await s.runOnBoard(RUN, 1);
    expect(r.matchesSoftware).toBe(true);
  });

  it('an unplug mid-upload never leaves a half-committed model: the old run stays active, a second upload verifies', async () => {
    const port = fakePort({}, true);
    const s = service({ openPort: port.open, reconnect: { initialDelayMs: 20, maxDelayMs: 80, budgetMs: 5000 } });
    await s.connectBoard('/dev/ttyFAKE0');
    await s.uploadToBoard(RUN);
    const before = await s.runOnBoard(RUN, 2);
    // Unplug at the first weight progress of the bigger model (the port comes straight back).
    const origEmit = events.push.bind(events);
    events.push = (...e: RunEvent[]) => {
      for (const x of e) if (x.type === 'board' && x.phase === 'upload' && x.done > 0 && x.done < x.total) port.unplug();
      return origEmit(...e);
    };
    try {
      await rejects(s.uploadToBoard(BIG), 'TRANSPORT', /upload failed: the link to \/dev\/ttyFAKE0 was lost.*previously committed model/);
    } finally {
      events.push = origEmit;
    }
    expect((await s.getBoardState()).lastError).toMatch(/^link to \/dev\/ttyFAKE0 lost/);
    await until(async () => (await s.getBoardState()).connected, 2000, 'the reconnect');
    expect((await s.getBoardState()).committedRunId).toBe(RUN);
    const again = await s.runOnBoard(RUN, 2);
    expect(again.counts).toEqual(before.counts);
    expect(again.matchesSoftware).toBe(true);
    const up = await s.uploadToBoard(BIG);
    expect(up).toMatchObject({ runId: BIG, verified: true, committed: true });
    expect((await s.runOnBoard(BIG, 0)).matchesSoftware).toBe(true);
  });

  it('a board that comes back reset drops the committed run; a port that stays away ends the retries within the budget', async () => {
    const reset = fakePort();
    const s = service({ openPort: reset.open, reconnect: { initialDelayMs: 20, maxDelayMs: 40, budgetMs: 2000 } });
    await s.connectBoard('/dev/ttyFAKE0');
    await s.uploadToBoard(RUN);
    reset.unplug();
    await until(async () => (await s.getBoardState()).connected && reset.opens() === 2, 2000, 'the reconnect');
    expect((await s.getBoardState()).committedRunId).toBeNull();
    expect(boardEvents(events, 'link').pop()?.message).toMatch(/run .* is no longer active on the board/);
    await rejects(s.runOnBoard(RUN, 0), 'CONFLICT', /no model is committed/);

    const away = fakePort();
    const t = service({ openPort: away.open, reconnect: { initialDelayMs: 20, maxDelayMs: 40, budgetMs: 250 } });
    await t.connectBoard('/dev/ttyFAKE0');
    events.length = 0;
    away.unplug({ gone: true });
    await until(async () => /gave up/.test((await t.getBoardState()).lastError ?? ''), 2000, 'giving up');
    expect((await t.getBoardState()).lastError).toMatch(/^link to \/dev\/ttyFAKE0 lost.*; gave up reconnecting after \d+ attempts in 0\.\d s \(cannot open/);
    expect(boardEvents(events, 'link').map((e) => /gave up/.test(e.message))).toEqual([false, true]);
    away.replug();
    await new Promise((r) => setTimeout(r, 150));
    expect((await t.getBoardState()).connected).toBe(false);
    expect(away.opens()).toBe(1);
    // The user's connect still works and clears the error.
    expect(await t.connectBoard('/dev/ttyFAKE0')).toMatchObject({ connected: true, lastError: null });
  });

  it('disconnecting while reconnecting stops the retries', async () => {
    const port = fakePort();
    const s = service({ openPort: port.open, reconnect: { initialDelayMs: 20, maxDelayMs: 40, budgetMs: 5000 } });
    await s.connectBoard('/dev/ttyFAKE0');
    port.unplug({ gone: true });
    await until(async () => !(await s.getBoardState()).connected, 1000, 'the loss');
    expect(await s.disconnectBoard()).toMatchObject({ connected: false, lastError: null });
    port.replug();
    await new Promise((r) => setTimeout(r, 150));
    expect(await s.getBoardState()).toMatchObject({ connected: false, lastError: null });
    expect(port.opens()).toBe(1);
  });
});
