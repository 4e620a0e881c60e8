import { describe, expect, it } from 'vitest';
import type { MetricRecord, RunConfig, SpikeSnapshot } from '../../../core/api/contract';
import { loadMnist } from '../../../core/data/mnist';
import { assignLabels, DIEHL_COOK_DEFAULTS, DiehlCookNetwork, predictLabel, type DiehlCookParams } from '../../../core/plasticity/diehlCook';
import { createDiehlCookTrainer } from '../../../core/plasticity/diehlCookMethod';
import { PoissonEvents } from '../../../core/plasticity/poissonEvents';
import { getTrainMethod } from '../../../core/train/index';
import type { CheckpointState, TrainHooks } from '../../../core/train/types';
import { Rng } from '../../../core/snn/rng';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION } from '../../../core/snn/spec';

function config(over: Partial<RunConfig['settings']>, units = 50): RunConfig {
  return {
    preset: '',
    name: 'dc',
    method: 'diehl-cook',
    dataset: 'mnist',
    model: { format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name: 'dc', input: [784], timesteps: 1, encoder: { type: 'poisson', gain: 1 }, layers: [{ type: 'dense', name: 'exc', units }], decoder: { type: 'spikeCount' } },
    settings: { epochs: 1, batchSize: 100, learningRate: 0.01, timesteps: 1, seed: 1, trainLimit: 1000, testLimit: 300, ...over },
  };
}

function hooks(stopAfter?: number): TrainHooks & { metrics: MetricRecord[]; checkpoints: CheckpointState[]; snapshots: Array<Omit<SpikeSnapshot, 'runId'>> } {
  let calls = 0;
  const h = {
    metrics: [] as MetricRecord[],
    checkpoints: [] as CheckpointState[],
    snapshots: [] as Array<Omit<SpikeSnapshot, 'runId'>>,
    metric: (m: MetricRecord) => h.metrics.push(m),
    wantSpikes: () => h.snapshots.length === 0,
    spikes: (s: Omit<SpikeSnapshot, 'runId'>) => h.snapshots.push(s),
    checkpoint: async (c: CheckpointState) => {
      h.checkpoints.push(c);
    },
    control: async () => (stopAfter !== undefined && calls++ >= stopAfter ? ('stop' as const) : ('continue' as const)),
    log: () => {},
    curve: () => {},
    wantPlasticity: () => false,
    plasticity: () => {},
  };
  return h;
}

/** Replaces the network's Poisson input by fixed [step, input] spikes (the presentation's only events). */
function fixInput(net: DiehlCookNetwork, spikes: Array<[number, number]>): void {
  const ev = (net as unknown as { events: PoissonEvents }).events;
  ev.generate = () => {
    const sorted = [...spikes].sort((a, b) => a[0] - b[0]);
    ev.start.fill(0);
    for (const [s] of sorted) ev.start[s + 1]++;
    for (let s = 0; s < ev.steps; s++) ev.start[s + 1] += ev.start[s];
    sorted.forEach(([, i], k) => (ev.ids[k] = i));
    ev.count = sorted.length;
  };
}

/** Eight coarse digit-like blobs: enough activity for STDP without loading MNIST. */
function fixtureImages(): Uint8Array[] {
  return [0, 1, 2, 3, 4, 5, 6, 7].map((k) => {
    const img = new Uint8Array(784);
    for (let r = 4 + k; r < 16 + k; r++) for (let c = 6 + (k % 3) * 3; c < 14 + (k % 3) * 3; c++) img[r * 28 + c] = 255;
    return img;
  });
}

// A shorter presentation keeps the test fast; the benchmark uses the paper's 350 ms.
const fast = createDiehlCookTrainer({ params: { presentMs: 150 }, labelCount: 500 });

describe('Diehl & Cook (2015) network', () => {
  it('draws Poisson events at the requested rates, grouped by step', () => {
    const ev = new PoissonEvents(1000, 1);
    ev.generate([0, 50, 0, 200], new Rng(1));
    const perInput = [0, 0, 0, 0];
    for (let s = 0; s < 1000; s++) for (let k = ev.start[s]; k < ev.start[s + 1]; k++) perInput[ev.ids[k]]++;
    expect(perInput[0]).toBe(0);
    expect(perInput[2]).toBe(0);
    expect(perInput[1]).toBeGreaterThan(30);
    expect(perInput[1]).toBeLessThan(70);
    expect(perInput[3]).toBeGreaterThan(160);
    expect(perInput[3]).toBeLessThan(240);
  });

  it('normalises each neuron\'s input weights to sum 78 and labels neurons by their best class', () => {
    const net = new DiehlCookNetwork({ nExc: 5 }, 1);
    net.normalize();
    for (let j = 0; j < 5; j++) {
      let s = 0;
      for (let i = 0; i < 784; i++) s += net.w[i * 5 + j];
      expect(s).toBeCloseTo(78, 3);
    }
    // Sample 0 (class 1) drives neuron 1, sample 1 (class 0) drives neuron 0; neuron 2 never fires.
    const counts = Uint16Array.from([0, 5, 0, 4, 0, 0]);
    const a = assignLabels(counts, [1, 0], 2, 3, 2);
    expect(Array.from(a)).toEqual([0, 1, -1]);
    // Unassigned neuron 2 does not vote, however much it fires.
    expect(predictLabel([3, 1, 9], a, 2)).toBe(0);
    expect(predictLabel([1, 3, 0], a, 2)).toBe(1);
  });

  it('learns MNIST above chance from 1000 images (TrainMethod "diehl-cook", hosted by the lab registry)', async () => {
    expect(getTrainMethod('diehl-cook')).toBeTypeOf('function');
    const h = hooks();
    const r = await fast(config({}), h, null);
    expect(r.stopped).toBe(false);
    expect(r.finalTestAccuracy).toBeGreaterThan(0.35);
    expect(h.metrics.filter((m) => m.kind === 'batch')).toHaveLength(10);
    expect(h.metrics.filter((m) => m.kind === 'epoch')[0].testAccuracy).toBe(r.finalTestAccuracy);
    expect(h.snapshots[0]).toMatchObject({ layer: 'exc', neurons: 50 });
    expect(h.checkpoints).toHaveLength(1);
  });

  it('stops with a checkpoint and resumes to the same weights as an uninterrupted run', async () => {
    const cfg = config({ trainLimit: 60, testLimit: 20, batchSize: 20 }, 10);
    const full = await fast(cfg, hooks(), null);
    const h1 = hooks(1);
    const part = await fast(cfg, h1, null);
    expect(part.stopped).toBe(true);
    const cp = h1.checkpoints[h1.checkpoints.length - 1];
    expect(cp).toMatchObject({ epoch: 0, step: 1 });
    const resumed = await fast(cfg, hooks(), cp);
    expect(resumed.stopped).toBe(false);
    expect(Buffer.from(resumed.weights).equals(Buffer.from(full.weights))).toBe(true);
    expect(resumed.finalTestAccuracy).toBe(full.finalTestAccuracy);
  });

  it('decays the whole reference theta, offset included, so an idle neuron ends up below rest and fires without input', () => {
    // Reference: fire at v > theta - 20 mV + v_thresh with theta starting at 20 mV. A network that
    // instead starts theta at 0 with no offset has the same threshold at first but never sinks
    // below v_thresh as theta decays, and stays silent here.
    const blank = new Uint8Array(4);
    const net = new DiehlCookNetwork({ nInput: 4, nExc: 3, tauTheta: 2000, maxRetries: 0, minSpikes: 0 }, 1);
    expect(Array.from(net.theta)).toEqual([20, 20, 20]);
    expect(Array.from(net.present(blank, true))).toEqual([0, 0, 0]);
    expect(net.theta[0]).toBeCloseTo(20 * Math.exp(-500 / 2000), 4);
    for (let k = 0; k < 30; k++) net.present(blank, true);
    // theta ~ 0 now: threshold -72 mV lies below the -65 mV rest.
    const counts = net.present(blank, false);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('keeps neurons without input silent under the inhibition of a synchronous volley', () => {
    // 40 neurons share one strong input and fire in the same step; their 40 inhibitory partners
    // put g_i ~ 660 on the 10 neurons that receive nothing. Forward Euler overshoots past E_inh and
    // swings those membranes above threshold; they must only be pushed toward -100 mV.
    const nA = 40;
    const nB = 10;
    const run = (over: Partial<DiehlCookParams>): [number, number] => {
      const net = new DiehlCookNetwork({ nInput: 1, nExc: nA + nB, inputDelayMs: 0, thetaInit: 0, thetaOffset: 0, maxRetries: 0, ...over }, 1);
      for (let j = 0; j < nA; j++) net.w[j] = 30;
      for (let j = nA; j < nA + nB; j++) net.w[j] = 0;
      const c = net.present([255], false);
      const sum = (a: Uint16Array): number => a.reduce((x, y) => x + y, 0);
      return [sum(c.subarray(0, nA)), sum(c.subarray(nA))];
    };
    for (const membraneUpdate of [undefined, 'exponential'] as const) {
      const [driven, idle] = run(membraneUpdate ? { membraneUpdate } : {});
      expect(driven).toBeGreaterThan(nA);
      expect(idle).toBe(0);
    }
    // The reference's plain Euler, still available, shows the failure the default avoids.
    expect(run({ membraneUpdate: 'euler' })[1]).toBeGreaterThan(0);
  });

  it('delivers each input spike to each neuron exactly its synaptic delay later', () => {
    // One strong input reaches three uninhibited neurons with delays of 0, 7 and 19 steps: equal
    // weights make equal latencies, so first spikes differ by the delays alone.
    const net = new DiehlCookNetwork({ nInput: 1, nExc: 3, inputDelayMs: 10, wInhExc: 0, thetaInit: 0, thetaOffset: 0, maxRetries: 0 }, 3);
    net.w.fill(30);
    net.delay.set([0, 7, 19]);
    const raster = { times: [] as number[], ids: [] as number[] };
    net.present([255], false, raster);
    const first = [0, 1, 2].map((j) => raster.times[raster.ids.indexOf(j)]);
    expect(first[0]).toBeGreaterThanOrEqual(0);
    expect(first[1] - first[0]).toBe(7);
    expect(first[2] - first[0]).toBe(19);
  });

  it('learns exactly as without delays when every delay is zero', () => {
    const plain = new DiehlCookNetwork({ nExc: 20, inputDelayMs: 0 }, 5);
    const zero = new DiehlCookNetwork({ nExc: 20, inputDelayMs: 10 }, 5);
    zero.delay.fill(0);
    zero.w.set(plain.w);
    zero.rng.setState(plain.rng.getState());
    const images = fixtureImages();
    for (let k = 0; k < images.length; k++) {
      expect(Array.from(zero.present(images[k], true))).toEqual(Array.from(plain.present(images[k], true)));
    }
    expect(Array.from(zero.w)).toEqual(Array.from(plain.w));
  });

  it('applies STDP at the delayed arrival: a spike landing after the post spike is depressed by post1 then', () => {
    // Input 0 (strong, no delay) fires at steps 10 and 100 and makes the neuron fire at t1 and t2;
    // input 1 (weak) fires at step 90. Arriving at 90 it is potentiated at t2 (trace of the
    // arrival, post2 as left by t1) and depressed by post1 at 90; delayed by 19 steps it lands
    // at 109 > t2, is not potentiated and meets post1 reset at t2.
    const run = (d1: number): { t: number[]; w1: number } => {
      const p = { nInput: 2, nExc: 1, inputDelayMs: 10, thetaInit: 0, thetaOffset: 0, maxRetries: 0, minSpikes: 0, normSum: 30.5, wMax: 40 };
      const net = new DiehlCookNetwork(p, 1);
      net.w.set([30, 0.5]);
      net.delay.set([0, d1]);
      fixInput(net, [[10, 0], [90, 1], [100, 0]]);
      const raster = { times: [] as number[], ids: [] as number[] };
      net.present([0, 0], true, raster);
      return { t: raster.times, w1: net.w[1] };
    };
    const p = DIEHL_COOK_DEFAULTS;
    const dP = (tau: number, steps: number): number => Math.exp((-steps * p.dtMs) / tau);
    const now = run(0);
    expect(now.t).toHaveLength(2);
    const [t1, t2] = now.t;
    expect(t1).toBeGreaterThan(10);
    expect(t2).toBeGreaterThan(100);
    expect(now.w1).toBeCloseTo(0.5 - p.nuPre * dP(p.tauPost1, 90 - t1 - 1) + p.nuPost * dP(p.tauPost2, t2 - t1) * dP(p.tauPre, t2 - 90), 6);
    const late = run(19);
    expect(late.t).toEqual(now.t);
    expect(late.w1).toBeCloseTo(0.5 - p.nuPre * dP(p.tauPost1, 109 - t2 - 1), 6);
  });

  it('lets the state relax through the rest as the membrane equation says (restMode simulate)', () => {
    const p = { nInput: 1, nExc: 2, maxRetries: 0, minSpikes: 0 };
    const sim = new DiehlCookNetwork({ ...p, restMode: 'simulate' }, 1);
    const reset = new DiehlCookNetwork({ ...p, restMode: 'reset' }, 1);
    for (const net of [sim, reset]) (net as unknown as { v: Float64Array }).v.set([-80, -55]);
    // Without input or inhibition the membrane relaxes to rest with forward-Euler factor (1 - dt/tau) per step.
    sim.present([0], false);
    const k = 1 - DIEHL_COOK_DEFAULTS.dtMs / DIEHL_COOK_DEFAULTS.tauE;
    const steps = (DIEHL_COOK_DEFAULTS.presentMs + DIEHL_COOK_DEFAULTS.restMs) / DIEHL_COOK_DEFAULTS.dtMs;
    const v = (sim as unknown as { v: Float64Array }).v;
    expect(v[0]).toBeCloseTo(-65 - 15 * k ** steps, 9);
    expect(v[1]).toBeCloseTo(-65 + 10 * k ** steps, 9);
    reset.present([0], false);
    expect(Array.from((reset as unknown as { v: Float64Array }).v)).toEqual([-65, -65]);
  });

  it('rejects images of the wrong size with a typed error', async () => {
    const net = new DiehlCookNetwork({ nExc: 4 }, 1);
    expect(() => net.present(new Uint8Array(10), false)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    // loadMnist is the data path the method uses by default.
    expect((await loadMnist('test', { limit: 1 })).count).toBe(1);
  });
});
