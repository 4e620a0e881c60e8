/**
 * Board link and emulator benchmark (`spikelab bench board [--json]`):
 *  - emulator synaptic events/s on a 784 -> 400 LIF layer driven by Poisson input (the Brian2
 *    comparison workload of issue 7): the mesh emulator's native tick loop and its TypeScript
 *    loop side by side, the plain integer reference, and the 4e8 events/s reference figure;
 *  - float vs quantised (int8, int16) test accuracy of the mnist-mlp preset trained briefly here
 *    (TRAIN_SAMPLES, one epoch), on the first ACCURACY_SAMPLES MNIST test images, both sides fed
 *    the same encoded spike trains (core/board/evaluate.ts);
 *  - weight-upload efficiency: image bytes / wire bytes host -> board, and the weight-chunk frame
 *    efficiency alone;
 *  - upload time of that network at 921600 baud (8N1) through the baud-limited transport, both
 *    directions limited, in real time.
 */
import { BoardClient } from '../core/board/client';
import { BoardEmulator, DEFAULT_CAPABILITIES } from '../core/board/emulator/boardEmulator';
import { MeshEngine, type MeshBackend } from '../core/board/emulator/meshEngine';
import { evaluateQuantisation } from '../core/board/evaluate';
import { frameWireBytes } from '../core/board/frame';
import { buildImage } from '../core/board/image';
import { WEIGHT_CHUNK_HEADER, zeroCounters } from '../core/board/messages';
import { extractFloatLayers, networkConfig, quantiseLayers, quantiseNetwork, type QuantNetwork } from '../core/board/quantise';
import { QuantReference } from '../core/board/referenceSim';
import { BaudLimitedTransport } from '../core/board/transportBaud';
import { createMemoryPair } from '../core/board/transportMemory';
import type { RunConfig } from '../core/api/contract';
import { mnistTestSamples } from '../core/lab/board/runModel';
import { buildNetwork } from '../core/snn/build';
import { getKernels } from '../core/snn/kernels/index';
import { referenceKernels } from '../core/snn/kernels/reference';
import { Rng } from '../core/snn/rng';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../core/snn/spec';
import { createBpttTrainer } from '../core/train/bptt';
import { getPreset } from '../core/train/presets';

export interface BenchRow {
  suite: string;
  name: string;
  metric: string;
  value: number;
  unit: string;
}

const SUITE = 'board';
/** Per-input spike probability per tick (50 Hz at a 1 ms tick). */
const RATE = 0.05;
/** Brian2's C++ standalone figure for this workload, the target of issue 7. */
const REFERENCE_EVENTS_PER_S = 4e8;
const TRAIN_SAMPLES = 6000;
const ACCURACY_SAMPLES = 1000;

function model(): QuantNetwork {
  const spec: ModelSpec = {
    format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name: 'poisson-784-400', input: [784], timesteps: 100,
    encoder: { type: 'poisson' }, layers: [{ type: 'dense', units: 400, bias: false }, { type: 'neuron', neuron: { model: 'lif', beta: 0.9375, threshold: 1 } }],
    decoder: { type: 'spikeCount' },
  };
  return quantiseNetwork(buildNetwork(spec, { kernels: referenceKernels, seed: 1 }), { weightBits: 8 });
}

function poissonTicks(n: number, seed: number): Uint16Array[] {
  const rng = new Rng(seed);
  const out: Uint16Array[] = [];
  for (let t = 0; t < n; t++) {
    const ids: number[] = [];
    for (let i = 0; i < 784; i++) if (rng.next() < RATE) ids.push(i);
    out.push(Uint16Array.from(ids));
  }
  return out;
}

function eventsPerSecond(step: (ids: Uint16Array) => void, ticks: Uint16Array[], seconds: number): number {
  let events = 0;
  // Warm-up so the JIT has compiled the hot loop.
  for (let k = 0; k < 200; k++) step(ticks[k % ticks.length]);
  const t0 = performance.now();
  let k = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let r = 0; r < 100; r++, k++) {
      const ids = ticks[k % ticks.length];
      step(ids);
      events += ids.length * 400;
    }
  }
  return events / ((performance.now() - t0) / 1000);
}

export async function run(opts: { json: boolean; seconds?: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const log = (r: BenchRow): void => {
    rows.push(r);
    if (!opts.json) process.stderr.write(`${r.name}: ${r.metric} ${r.value.toPrecision(4)} ${r.unit}\n`);
  };
  const q = model();
  const caps = { ...DEFAULT_CAPABILITIES, fifoDepth: 1024 };
  const img = buildImage(q, caps);
  const ticks = poissonTicks(1000, 7);
  const seconds = opts.seconds ?? 2;

  const mesh = (backend: MeshBackend | 'auto'): MeshEngine =>
    new MeshEngine(networkConfig(q), img.neuron, img.weight, img.routes, { meshX: caps.meshX, meshY: caps.meshY, fifoDepth: caps.fifoDepth, lanes: 16, cyclesPerHop: 2, backend }, zeroCounters());
  log({ suite: SUITE, name: 'emulator-784x400-lif-poisson-reference', metric: 'synaptic events/s (Brian2 C++ figure)', value: REFERENCE_EVENTS_PER_S, unit: 'events/s' });
  const native = mesh('auto');
  if (native.backend === 'native')
    log({ suite: SUITE, name: 'emulator-784x400-lif-poisson-native', metric: 'synaptic events/s', value: eventsPerSecond((ids) => native.tick(ids, () => {}), ticks, seconds), unit: 'events/s' });
  else process.stderr.write('emulator native: the addon has no BoardMesh (not built?); native row skipped\n');
  const ts = mesh('typescript');
  log({ suite: SUITE, name: 'emulator-784x400-lif-poisson-typescript', metric: 'synaptic events/s', value: eventsPerSecond((ids) => ts.tick(ids, () => {}), ticks, seconds), unit: 'events/s' });
  const ref = new QuantReference(q);
  log({ suite: SUITE, name: 'reference-784x400-lif-poisson', metric: 'synaptic events/s', value: eventsPerSecond((ids) => ref.step(ids), ticks, seconds), unit: 'events/s' });

  const chunk = caps.maxPayload - WEIGHT_CHUNK_HEADER;
  log({ suite: SUITE, name: 'weight-chunk-frame', metric: 'payload/wire', value: chunk / frameWireBytes(caps.maxPayload), unit: 'ratio' });

  for (const baud of [null, 921600] as const) {
    const [a, b] = createMemoryPair();
    const hostSide = baud ? new BaudLimitedTransport(a, { baud }) : a;
    const boardSide = baud ? new BaudLimitedTransport(b, { baud }) : b;
    new BoardEmulator(boardSide, { caps });
    const client = await BoardClient.connect(hostSide, { initialRtoMs: 1000, maxRtoMs: 4000 });
    const before = client.stats.link.bytesOut;
    const t0 = performance.now();
    const up = await client.upload(q);
    const dt = (performance.now() - t0) / 1000;
    const wire = client.stats.link.bytesOut - before;
    const image = up.config.length + up.neuron.length + up.route.length + up.weight.length;
    if (baud === null) {
      log({ suite: SUITE, name: 'upload-784x400-int8', metric: 'image bytes/wire bytes', value: image / wire, unit: 'ratio' });
      log({ suite: SUITE, name: 'upload-784x400-int8-memory', metric: 'upload time', value: dt, unit: 's' });
    } else {
      log({ suite: SUITE, name: 'upload-784x400-int8-921600baud', metric: 'upload time', value: dt, unit: 's' });
      log({ suite: SUITE, name: 'upload-784x400-int8-921600baud', metric: 'line-rate bound', value: (wire * 10) / baud, unit: 's' });
    }
    await client.close();
    await b.close();
  }
  if (!process.argv.includes('--no-accuracy')) for (const r of await quantisedAccuracy()) log(r);
  return rows;
}

/** Trains mnist-mlp on TRAIN_SAMPLES for one epoch, then float vs int8 / int16 accuracy. */
async function quantisedAccuracy(): Promise<BenchRow[]> {
  const preset = getPreset('mnist-mlp');
  const settings = { ...preset.summary.defaults, trainLimit: TRAIN_SAMPLES, testLimit: ACCURACY_SAMPLES, epochs: 1 };
  const config: RunConfig = { preset: 'mnist-mlp', name: 'bench-board', method: 'bptt', dataset: 'mnist', model: preset.model, settings };
  const noop = (): void => {};
  const trained = await createBpttTrainer({ kernels: getKernels, reportEvery: 1000 })(
    config,
    { metric: noop, wantSpikes: () => false, spikes: noop, checkpoint: async () => {}, control: async () => 'continue', log: noop, curve: noop, wantPlasticity: () => false, plasticity: noop },
    null,
  );
  const net = buildNetwork({ ...preset.model, timesteps: settings.timesteps }, { kernels: referenceKernels, seed: settings.seed });
  net.loadWeights(trained.weights);
  const layers = extractFloatLayers(net);
  const data = await mnistTestSamples(0, ACCURACY_SAMPLES);
  const samples = data.x.map((x, i) => ({ x, label: data.labels[i] }));
  const rows: BenchRow[] = [{ suite: SUITE, name: 'quantise-mnist-mlp', metric: 'engine_test_accuracy', value: trained.finalTestAccuracy ?? NaN, unit: 'fraction' }];
  for (const bits of [8, 16] as const) {
    const r = evaluateQuantisation(net, layers, quantiseLayers(net, layers, { weightBits: bits }), samples, 1);
    const name = `quantise-int${bits}`;
    rows.push(
      { suite: SUITE, name, metric: 'float_accuracy', value: r.floatAccuracy ?? NaN, unit: 'fraction' },
      { suite: SUITE, name, metric: 'quantised_accuracy', value: r.quantAccuracy ?? NaN, unit: 'fraction' },
      { suite: SUITE, name, metric: 'agreement', value: r.agreement, unit: 'fraction' },
      { suite: SUITE, name, metric: 'mean_abs_count_error', value: r.meanAbsCountError, unit: 'spikes' },
    );
  }
  return rows;
}

if (require.main === module) void run({ json: process.argv.includes('--json') }).then((r) => console.log(JSON.stringify(r, null, 1)));
