/**
 * Board link and emulator benchmark (`spikelab bench board [--json]`):
 *  - emulator synaptic events/s on a 784 -> 400 LIF layer driven by Poisson input (the Brian2
 *    comparison workload of issue 7), for the mesh emulator and the plain integer reference;
 *  - weight-upload efficiency: image bytes / wire bytes host -> board, and the weight-chunk frame
 *    efficiency alone;
 *  - upload time of that network at 921600 baud (8N1) through the baud-limited transport, both
 *    directions limited, in real time.
 */
import { BoardClient } from '../core/board/client';
import { BoardEmulator, DEFAULT_CAPABILITIES } from '../core/board/emulator/boardEmulator';
import { MeshEngine } from '../core/board/emulator/meshEngine';
import { frameWireBytes } from '../core/board/frame';
import { buildImage } from '../core/board/image';
import { WEIGHT_CHUNK_HEADER, zeroCounters } from '../core/board/messages';
import { networkConfig, quantiseNetwork, type QuantNetwork } from '../core/board/quantise';
import { QuantReference } from '../core/board/referenceSim';
import { BaudLimitedTransport } from '../core/board/transportBaud';
import { createMemoryPair } from '../core/board/transportMemory';
import { buildNetwork } from '../core/snn/build';
import { referenceKernels } from '../core/snn/kernels/reference';
import { Rng } from '../core/snn/rng';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../core/snn/spec';

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

  const eng = new MeshEngine(networkConfig(q), img.neuron, img.weight, img.routes, { meshX: caps.meshX, meshY: caps.meshY, fifoDepth: caps.fifoDepth, lanes: 16, cyclesPerHop: 2 }, zeroCounters());
  log({ suite: SUITE, name: 'emulator-784x400-lif-poisson', metric: 'synaptic events/s', value: eventsPerSecond((ids) => eng.tick(ids, () => {}), ticks, seconds), unit: 'events/s' });
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
  return rows;
}

if (require.main === module) void run({ json: process.argv.includes('--json') }).then((r) => console.log(JSON.stringify(r, null, 1)));
