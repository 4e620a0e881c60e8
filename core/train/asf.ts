/**
 * Accumulated Spiking Flow (ASF; Wu, Chua, Zhang, Li, Li & Pan, "Training Spiking Neural Networks
 * with Accumulated Spiking Flow", AAAI 2021), method "asf", and the shared "flow" machinery that
 * ADM (adm.ts) reuses.
 *
 * Forward, T steps of the SNN (IF or LIF hidden layers, as the model spec says), accumulating per
 * neuron of layer n the input flow and the output flow
 *   FI^n_j = sum_t I^n_j(t),  I^n(t) = W^n s^{n-1}(t) + b^n,    FO^n_j = sum_t s^n_j(t),
 * with FO^0 = sum_t x(t) of the encoded input. The output layer N does not spike; its membrane
 * integrates without leak, so V^N(T) = FI^N.
 * Loss (eq. 9): L = 1/2 || Y - V^N(T) / (T V_th) ||^2 (one-hot Y, mean over the batch).
 * Backward once, not over time, because the flows are linear in the weights:
 *   FI^n = W^n FO^{n-1} + T b^n  =>  dL/dW^n_ij = dL/dFI^n_j FO^{n-1}_i,  dL/db^n_j = T dL/dFI^n_j,
 *   dL/dFO^{n-1} = (W^n)^T dL/dFI^n,
 * and through a spiking layer dFO/dFI is approximated by one ratio per layer and sample (eq. 12)
 *   S^n = sum_j FO^n_j / sum_j FI^n_j,   dL/dFI^n_j = S^n dL/dFO^n_j,
 * (the sum over FI runs over positive flows only, see asfRatio: with most neurons inhibited the
 * plain sum is <= 0 and zeroed every hidden gradient in our MNIST runs),
 * so the gradient is dL/dw^n_ij = dL/dFO^n_j S^n FO^{n-1}_i. The backward pass processes B rows per
 * layer whatever T is: its cost does not grow with T (test/unit/methods/asf.test.ts counts it).
 *
 * Implementation: the spiking forward runs the compiled SNN (event-driven kernels on spikes); the
 * single backward runs a twin "flow" network compiled from the ANN counterpart of the spec
 * (analog-input kernels, because flows are counts, not 0/1), whose parameters alias the SNN's.
 */
import type { RunConfig } from '../api/contract';
import { buildNetwork } from '../snn/build';
import { getKernels } from '../snn/kernels/index';
import type { Kernels } from '../snn/kernels/types';
import type { Layer, Tensor } from '../snn/layers/layer';
import { NeuronLayer, NEURON_DEFAULTS } from '../snn/layers/neuron';
import type { Network } from '../snn/network';
import { Optimizer } from '../snn/optim';
import type { ModelSpec } from '../snn/spec';
import { evaluate, loadMnistDataset, type Dataset } from './bptt';
import { annSpecFromSnn } from './conversion/specs';
import { argmax, backLayers, biasOf, ctxOf, MethodError, parseOptions, rawMethodOptions, runEpochs, splitSegments, type OptionTable, type OptionValues, type Segment, type StepOutcome } from './methodKit';
import type { CheckpointState, TrainHooks, TrainMethod, TrainResult } from './types';

/** The SNN a flow method trains: hidden spiking layers, then an integrator readout of the last synaptic layer. */
export function flowSnnSpec(spec: ModelSpec, timesteps: number): ModelSpec {
  const layers = [...spec.layers];
  const last = layers[layers.length - 1];
  if (last.type === 'neuron' && last.neuron.model !== 'integrator') layers.pop();
  if (!(layers[layers.length - 1].type === 'neuron')) layers.push({ type: 'neuron', name: 'readout', neuron: { model: 'integrator' } });
  for (const l of layers) if (l.type === 'relu') throw new MethodError('METHOD_MODEL', 'flow methods train SNNs; replace relu layers by neuron layers');
  return { ...spec, timesteps, layers, decoder: { type: 'membrane', reduce: 'last' } };
}

/** Per-layer flows of one forward. */
export interface Flows {
  T: number;
  B: number;
  /** FO^0 (accumulated input) then FO^n of each hidden spiking layer, [B, ...]. */
  fo: Float32Array[];
  /** FI^n of each hidden layer, then FI^N of the output. */
  fi: Float32Array[];
  /** Hidden neuron layers in order. */
  neurons: NeuronLayer[];
  firingRates: Record<string, number>;
}

function sumOverTime(x: Float32Array, T: number): Float32Array {
  const n = x.length / T;
  const out = new Float32Array(n);
  for (let t = 0; t < T; t++) {
    const o = t * n;
    for (let i = 0; i < n; i++) out[i] += x[o + i];
  }
  return out;
}

/** The SNN and its flow twin with shared parameters. */
export class FlowModel {
  readonly snn: Network;
  readonly flow: Network;
  private readonly snnSegs: Segment[];
  private readonly flowSegs: Segment[];
  /** Rows (samples) pushed through layer backward in the last backward: B per weighted layer, independent of T. */
  lastBackwardRows = 0;

  constructor(spec: ModelSpec, kernels: Kernels, seed: number) {
    this.snn = buildNetwork(spec, { kernels, seed });
    this.flow = buildNetwork(annSpecFromSnn(spec), { kernels, seed });
    const own = new Map(this.snn.params().map((p) => [p.name, p]));
    for (const p of this.flow.params()) {
      const q = own.get(p.name);
      if (!q) throw new MethodError('METHOD_MODEL', `flow twin parameter "${p.name}" has no SNN counterpart`);
      // Alias: both networks read and update the same buffers.
      p.value = q.value;
      p.grad = q.grad;
    }
    this.snnSegs = splitSegments(this.snn);
    this.flowSegs = splitSegments(this.flow);
    const hidden = this.snnSegs.filter((s) => s.activation instanceof NeuronLayer && s.activation.spec.model !== 'integrator');
    if (hidden.length + 1 !== this.flowSegs.length) throw new MethodError('METHOD_MODEL', 'flow methods need dense/conv layers separated by spiking neuron layers and a synaptic output layer');
    for (const s of hidden) {
      const n = s.activation as NeuronLayer;
      if (n.spec.synapse && n.spec.synapse.kind !== 'instant') throw new MethodError('METHOD_MODEL', `neuron "${n.name}": flow methods assume instant synapses`);
    }
  }

  /** T-step spiking forward (inference mode) accumulating the flows. */
  forward(x: Float32Array, B: number): Flows {
    const net = this.snn;
    const T = net.spec.timesteps;
    const ctx = ctxOf(net, false);
    let h: Tensor = { data: net.encoder.encode(x, B, T, net.rng), shape: [T, B, ...net.spec.input] };
    const fo = [sumOverTime(h.data, T)];
    const fi: Float32Array[] = [];
    const neurons: NeuronLayer[] = [];
    const firingRates: Record<string, number> = {};
    for (const seg of this.snnSegs) {
      for (const l of seg.synapses) h = l.forward(h, ctx);
      fi.push(sumOverTime(h.data, T));
      const a = seg.activation;
      if (a instanceof NeuronLayer && a.spec.model !== 'integrator') {
        h = a.forward(h, ctx);
        const f = sumOverTime(h.data, T);
        fo.push(f);
        neurons.push(a);
        let s = 0;
        for (let i = 0; i < f.length; i++) s += f[i];
        firingRates[a.name] = s / (T * f.length);
      }
    }
    return { T, B, fo, fi, neurons, firingRates };
  }

  /**
   * One backward over the flows: dFI is dL/dFI^N of the output; `through(n, dFO)` turns dL/dFO^n of
   * hidden layer n into dL/dFI^n (the method's derivative approximation). Fills the params' grads.
   */
  backward(f: Flows, dFI: Float32Array, through: (layer: number, dFO: Float32Array) => Float32Array): void {
    const ctx = ctxOf(this.flow, true);
    let g = dFI;
    let rows = 0;
    for (let n = this.flowSegs.length - 1; n >= 0; n--) {
      const seg = this.flowSegs[n];
      const inShape = n === 0 ? this.flow.spec.input : this.outShapeOf(n - 1);
      // Re-run the synapses on FO^{n-1} (one "step") so each layer caches the input its weight gradient needs.
      let h: Tensor = { data: f.fo[n], shape: [1, f.B, ...inShape] };
      for (const l of seg.synapses) h = l.forward(h, ctx);
      const w = seg.weighted as Layer;
      const b = biasOf(w);
      const before = b ? b.grad.slice() : null;
      const d = backLayers(seg.synapses, { data: g, shape: h.shape }, ctx);
      rows += f.B;
      // FI contains T b, so dL/db = T sum dL/dFI: scale this batch's bias contribution by T.
      if (b && before) for (let i = 0; i < b.grad.length; i++) b.grad[i] = before[i] + (b.grad[i] - before[i]) * f.T;
      if (n > 0) g = through(n - 1, d.data);
    }
    this.lastBackwardRows = rows;
  }

  private outShapeOf(segIndex: number): number[] {
    let shape = [...this.flow.spec.input];
    for (let k = 0; k <= segIndex; k++) for (const l of this.flowSegs[k].synapses) shape = l.outputShape(shape);
    return shape;
  }

  /** Per-layer threshold of hidden layer n (for derivative approximations). */
  threshold(n: number, f: Flows): number {
    return f.neurons[n].spec.threshold ?? NEURON_DEFAULTS.threshold;
  }
}

/**
 * ASF's shared ratio S^n = sum_j FO_j / sum_j FI_j per sample. Neurons whose input flow is
 * negative emit nothing; counting their FI would let them cancel the rest of the layer (sum FI
 * <= 0 whenever most neurons are inhibited, a frequent state, which zeroes or flips the gradient),
 * so the sum runs over the positive input flows: S = sum FO / sum max(FI, 0), 0 if no neuron had
 * positive input.
 */
export function asfRatio(fo: Float32Array, fi: Float32Array, B: number): Float32Array {
  const n = fo.length / B;
  const s = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    let so = 0;
    let si = 0;
    for (let i = b * n; i < (b + 1) * n; i++) {
      so += fo[i];
      if (fi[i] > 0) si += fi[i];
    }
    s[b] = si > 0 ? so / si : 0;
  }
  return s;
}

export const ASF_OPTIONS = {
  vth: { rule: { kind: 'number', default: 1, min: 1e-6 }, doc: 'V_th in the loss 1/2 |Y - V^N(T)/(T V_th)|^2.' },
} satisfies OptionTable;

/** One ASF step: forward T steps, loss, single backward. Exposed for tests and the bench. */
export function asfStep(m: FlowModel, x: Float32Array, y: ArrayLike<number>, B: number, o: OptionValues<typeof ASF_OPTIONS>): StepOutcome & { forwardMs: number; backwardMs: number } {
  const t0 = performance.now();
  const f = m.forward(x, B);
  const t1 = performance.now();
  const out = f.fi[f.fi.length - 1];
  const O = out.length / B;
  const scale = 1 / (f.T * o.vth);
  const dFI = new Float32Array(out.length);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < O; c++) {
      const i = b * O + c;
      const e = (c === y[b] ? 1 : 0) - out[i] * scale;
      loss += 0.5 * e * e;
      dFI[i] = (-e * scale) / B;
    }
    if (argmax(out, b * O, O) === y[b]) correct++;
  }
  m.backward(f, dFI, (n, dFO) => {
    const S = asfRatio(f.fo[n + 1], f.fi[n], B);
    const per = dFO.length / B;
    const d = new Float32Array(dFO.length);
    for (let b = 0; b < B; b++) for (let i = b * per; i < (b + 1) * per; i++) d[i] = dFO[i] * S[b];
    return d;
  });
  return { loss: loss / B, correct, firingRates: f.firingRates, forwardMs: t1 - t0, backwardMs: performance.now() - t1 };
}

export interface FlowDeps {
  kernels?: () => { kernels: Kernels; note: string | null };
  loadData?: (split: 'train' | 'test', limit: number | null) => Promise<Dataset>;
  reportEvery?: number;
}

/** Shared trainer shell of the flow methods (ASF, ADM): data, model, Adam, epoch loop. */
export function createFlowTrainer<T extends OptionTable>(
  method: string,
  table: T,
  step: (m: FlowModel, x: Float32Array, y: Uint8Array, B: number, o: OptionValues<T>) => StepOutcome,
  deps: FlowDeps,
): TrainMethod {
  const pickKernels = deps.kernels ?? getKernels;
  const loadData = deps.loadData ?? loadMnistDataset;
  return async (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null): Promise<TrainResult> => {
    const o = parseOptions(method, table, rawMethodOptions(config));
    const s = config.settings;
    const { kernels, note } = pickKernels();
    hooks.log(`${method}: kernels ${kernels.name}${note ? ` (${note})` : ''}`);
    const [train, test] = await Promise.all([loadData('train', s.trainLimit), loadData('test', s.testLimit)]);
    const m = new FlowModel(flowSnnSpec(config.model, s.timesteps), kernels, s.seed);
    const opt = new Optimizer(m.flow.params(), { kind: 'adam', lr: s.learningRate });
    return runEpochs({
      method,
      config,
      hooks,
      resume,
      train,
      test,
      net: m.snn,
      opt,
      kernels,
      // Every batch by default: the lab coalesces what it streams and decimates what it stores.
      reportEvery: deps.reportEvery ?? 1,
      step: (x, y, B) => step(m, x, y, B, o),
      evaluate: (d) => evaluate(m.snn, d, 100),
    });
  };
}

export function createAsfTrainer(deps: FlowDeps = {}): TrainMethod {
  return createFlowTrainer('asf', ASF_OPTIONS, (m, x, y, B, o) => asfStep(m, x, y, B, o), deps);
}

export const trainAsf: TrainMethod = createAsfTrainer();
