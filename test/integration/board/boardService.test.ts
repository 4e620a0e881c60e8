/**
 * BoardService (core/lab/board/service.ts) end to end below the transports: a run folder with a
 * small trained-shape MNIST network, the in-process emulator, serial ports replaced by memory links
 * to an emulator that the test can unplug or silence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, EMULATOR_PORT, type RunConfig, type RunEvent, type RunSummary } from '../../../core/api/contract';
import { BoardEmulator } from '../../../core/board/emulator/boardEmulator';
import type { Capabilities } from '../../../core/board/messages';
import type { Transport } from '../../../core/board/transport';
import { createMemoryPair } from '../../../core/board/transportMemory';
import type { LabContext } from '../../../core/lab/context';
import { BoardService, type BoardServiceOptions } from '../../../core/lab/board/service';
import { RunStore } from '../../../core/lab/runStore';
import { openWorkspace } from '../../../core/lab/workspace';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';

const RUN = '20260101-000000-board-test-abcdef';
const UNFINISHED = '20260101-000000-unfinished-abcdef';
let root: string;
let store: RunStore;
const events: RunEvent[] = [];
const services: BoardService[] = [];

const spec: ModelSpec = {
  format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name: 'board-mlp', input: [784], timesteps: 12, encoder: { type: 'poisson', gain: 1 },
  layers: [
    { type: 'dense', name: 'fc1', units: 40 },
    { type: 'neuron', name: 'lif1', neuron: { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft' } },
    { type: 'dense', name: 'fc2', units: 10 },
    { type: 'neuron', name: 'lif2', neuron: { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft' } },
  ],
  decoder: { type: 'spikeCount' },
};

function addRun(id: string, withWeights: boolean): void {
  const config: RunConfig = { preset: 'mnist-mlp', name: id, method: 'bptt', dataset: 'mnist', model: spec, settings: { epochs: 1, batchSize: 32, learningRate: 1e-3, timesteps: 12, seed: 1, trainLimit: 64, testLimit: 64 } };
  const now = new Date().toISOString();
  const summary: RunSummary = { id, name: id, preset: 'mnist-mlp', method: 'bptt', dataset: 'mnist', status: withWeights ? 'completed' : 'running', createdAt: now, updatedAt: now, epochsDone: withWeights ? 1 : 0, epochs: 1, bestTestAccuracy: null, lastCheckpoint: null, error: null };
  store.create(summary, config);
  if (!withWeights) return;
  // Random weights scaled up so both layers fire on Poisson MNIST input.
  const net = buildNetwork(spec, { kernels: referenceKernels, seed: 3 });
  for (const p of net.params()) if (p.name.endsWith('.weight')) for (let i = 0; i < p.value.length; i++) p.value[i] *= 6;
  writeFileSync(join(store.runDir(id), 'weights', 'final.safetensors'), net.saveWeights());
}

function ctx(): LabContext {
  const ws = openWorkspace(root);
  return {
    workspace: ws,
    store,
    emit: (e) => events.push(e),
    summary: (id) => {
      if (!store.exists(id)) throw new ApiError('NOT_FOUND', `no run ${id}`);
      return store.readStatus(id);
    },
  };
}

function service(opts: BoardServiceOptions = {}): BoardService {
  const s = new BoardService(ctx(), { checkSamples: 20, ...opts });
  services.push(s);
  return s;
}

async function rejects(p: Promise<unknown>, code: ApiError['code'], pattern: RegExp): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).message).toMatch(pattern);
}

/** A "serial port" that is a memory link to an emulator; `host` can be closed (unplug) or muted. */
function fakePort(caps: Partial<Capabilities> = {}): { open: (path: string) => Promise<Transport>; unplug: () => void; mute: () => void; writes: () => number } {
  let host: Transport | null = null;
  let muted = false;
  let writes = 0;
  return {
    open: async (path) => {
      if (path !== '/dev/ttyFAKE0') throw new Error(`no such port ${path}`);
      const [h, b] = createMemoryPair();
      new BoardEmulator(b, { caps });
      host = {
        get closed() {
          return h.closed;
        },
        write: (bytes) => {
          writes++;
          if (!muted) h.write(bytes);
        },
        onData: (cb) => h.onData(cb),
        onClose: (cb) => h.onClose(cb),
        close: () => h.close(),
      };
      return host;
    },
    unplug: () => void host?.close(),
    mute: () => {
      muted = true;
    },
    writes: () => writes,
  };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'spikelab-board-'));
  store = new RunStore(openWorkspace(root).runsDir);
  addRun(RUN, true);
  addRun(UNFINISHED, false);
  return () => rmSync(root, { recursive: true, force: true });
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
    const s = service({ openPort: port.open });
    await s.connectBoard('/dev/ttyFAKE0');
    await s.uploadToBoard(RUN);
    // Unplug once the run has started streaming input: after RUN and the first SPIKE_IN frames.
    let armedAt = -1;
    const origEmit = events.push.bind(events);
    events.push = (...e: RunEvent[]) => {
      for (const x of e) if (x.type === 'board' && x.phase === 'run' && x.done === 0) armedAt = port.writes();
      return origEmit(...e);
    };
    const timer = setInterval(() => {
      if (armedAt >= 0 && port.writes() >= armedAt + 5) {
        clearInterval(timer);
        port.unplug();
      }
    }, 0);
    try {
      await rejects(s.runOnBoard(RUN, 0), 'TRANSPORT', /lost/);
    } finally {
      clearInterval(timer);
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
});
