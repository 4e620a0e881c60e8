/**
 * A compiled model: encoder -> layers (residual blocks nest) -> decoder, generic over the Layer
 * contract. Holds the runtime RNG (encoder noise, dropout) so a checkpoint can restore it.
 */
import type { Decoder } from './decoders';
import type { Encoder } from './encoders';
import type { Kernels } from './kernels/types';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layers/layer';
import { NeuronLayer } from './layers/neuron';
import { Rng } from './rng';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors';
import type { ModelSpec } from './spec';

export class WeightsError extends Error {
  readonly code = 'WEIGHTS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
}

type OutputRecorder = (layer: Layer, out: Tensor) => void;

function forwardSeq(layers: readonly Layer[], x: Tensor, ctx: ForwardContext, record: OutputRecorder): Tensor {
  let h = x;
  for (const l of layers) {
    h = l.forward(h, ctx);
    record(l, h);
  }
  return h;
}

function backwardSeq(layers: readonly Layer[], g: Tensor, ctx: ForwardContext): Tensor {
  let d = g;
  for (let i = layers.length - 1; i >= 0; i--) d = layers[i].backward(d, ctx);
  return d;
}

/**
 * out = F(x) + shortcut(x), shortcut = identity when empty (He et al., CVPR 2016; with spiking
 * branches this is SEW-ResNet ADD, Fang et al., NeurIPS 2021). Backward sends the same gradient
 * down both branches and sums what they return.
 */
export class ResidualBlock implements Layer {
  readonly type = 'residual';
  /** Set by the network so nested layers' outputs can be sampled for rasters. */
  recorder: OutputRecorder = () => {};

  constructor(
    readonly name: string,
    readonly main: Layer[],
    readonly shortcut: Layer[],
  ) {}

  outputShape(inputShape: readonly number[]): number[] {
    let s = [...inputShape];
    for (const l of this.main) s = l.outputShape(s);
    return s;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const a = forwardSeq(this.main, x, ctx, this.recorder);
    const b = this.shortcut.length ? forwardSeq(this.shortcut, x, ctx, this.recorder) : x;
    if (a.data.length !== b.data.length) throw new RangeError(`${this.name}: branch outputs differ in size (${a.data.length} vs ${b.data.length})`);
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
    return { data: out, shape: [...a.shape] };
  }

  backward(gradOut: Tensor, ctx: ForwardContext): Tensor {
    // Both branches read gradOut; a consuming main branch gets its own copy.
    const gMain = ctx.consumeGradients === true ? { data: gradOut.data.slice(), shape: gradOut.shape } : gradOut;
    const ga = backwardSeq(this.main, gMain, ctx);
    const gb = this.shortcut.length ? backwardSeq(this.shortcut, gradOut, ctx) : gradOut;
    const d = new Float32Array(ga.data.length);
    for (let i = 0; i < d.length; i++) d[i] = ga.data[i] + gb.data[i];
    return { data: d, shape: [...ga.shape] };
  }

  params(): Param[] {
    return [...this.main, ...this.shortcut].flatMap((l) => l.params());
  }
  activity(): LayerActivity | null {
    return null;
  }
  buffers(): Param[] {
    return [...this.main, ...this.shortcut].flatMap((l) => l.buffers());
  }
}

export interface ForwardResult {
  /** Decoded scores [B, classes]. */
  scores: Float32Array;
  classes: number;
  /**
   * Spiking layers' activity by layer name. Computed on first read (counting spikes is a pass
   * over every neuron output, wasted in evaluation), so read it before the network's next
   * forward; a later first read throws, since the layers' buffers then hold the new batch.
   */
  readonly activity: Record<string, LayerActivity>;
}

export interface Raster {
  layer: string;
  timesteps: number;
  neurons: number;
  times: number[];
  ids: number[];
  truncated: boolean;
}

/** One sample's view of one layer in a recorded forward (see SampleRecorder). */
export interface LayerRecord {
  name: string;
  type: string;
  /** Per-sample output shape, e.g. [500] or [20, 24, 24]. */
  shape: number[];
  timesteps: number;
  /** True for spiking neuron layers (output is 0/1), false for integrator readouts and analog layers. */
  spiking: boolean;
  /** The layer's output for the sample, [T, n] time-major. */
  output: Float32Array;
  /** Neuron layers: membrane [T, n] (charge before the spike test; the potential for integrators). */
  membrane: Float32Array | null;
  /** Firing threshold of a spiking neuron layer (the base threshold for adaptive ones). */
  threshold: number | null;
}

/**
 * Copies one sample of every neuron layer's output and membrane (or of every layer, `all`) out of a
 * forward, for the spike monitor. Set it with Network.setRecorder for the forwards to observe;
 * without one the forward pays nothing beyond a null check per layer.
 */
export class SampleRecorder {
  readonly layers: LayerRecord[] = [];
  /** The encoder's output for the sample, [T, F]: what the first layer saw. */
  input: { shape: number[]; binary: boolean; data: Float32Array } | null = null;

  constructor(
    readonly sample: number,
    readonly which: 'neurons' | 'all' = 'neurons',
  ) {
    if (!Number.isInteger(sample) || sample < 0) throw new RangeError(`Expected a sample index >= 0 but received ${sample}`);
  }

  /** Copies sample `this.sample` of a [T, B, ...] buffer into [T, n]. */
  private slice(data: Float32Array, T: number, B: number): Float32Array {
    if (this.sample >= B) throw new RangeError(`recorded sample ${this.sample} is outside the batch of ${B}`);
    const n = data.length / (T * B);
    const out = new Float32Array(T * n);
    for (let t = 0; t < T; t++) out.set(data.subarray((t * B + this.sample) * n, (t * B + this.sample + 1) * n), t * n);
    return out;
  }

  captureInput(x: Tensor, binary: boolean): void {
    const [T, B, ...shape] = x.shape;
    this.input = { shape, binary, data: this.slice(x.data, T, B) };
  }

  capture(layer: Layer, out: Tensor): void {
    const isNeuron = layer instanceof NeuronLayer;
    if (!isNeuron && this.which === 'neurons') return;
    const [T, B, ...shape] = out.shape;
    let membrane: Float32Array | null = null;
    let threshold: number | null = null;
    let spiking = false;
    if (isNeuron) {
      spiking = layer.spec.model !== 'integrator';
      const h = layer.lastMembrane();
      if (h) membrane = this.slice(h, T, B);
      if (spiking) threshold = layer.kernelParams().threshold;
    }
    this.layers.push({ name: layer.name, type: layer.type, shape, timesteps: T, spiking, output: this.slice(out.data, T, B), membrane, threshold });
  }
}

export class Network {
  readonly rng: Rng;
  private sampleRecorder: SampleRecorder | null = null;
  private readonly outputs = new Map<string, Tensor>();
  private batch = 0;
  private training = false;
  /** Counts forwards, so a ForwardResult can tell that its layers' buffers moved on. */
  private generation = 0;
  /** The encoder's output, reused across batches of the same size (the first layer caches it for backward). */
  private encoded: Float32Array | null = null;
  private leaves: Layer[] | null = null;

  constructor(
    readonly spec: ModelSpec,
    readonly layers: Layer[],
    readonly encoder: Encoder,
    readonly decoder: Decoder,
    readonly kernels: Kernels,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    const record: OutputRecorder = (l, out) => {
      // Type first: a neuron layer's activity() counts its spikes, which is a full pass.
      if (l.type === 'neuron' || l.activity() !== null) this.outputs.set(l.name, out);
      if (this.sampleRecorder !== null) this.sampleRecorder.capture(l, out);
    };
    const wire = (ls: readonly Layer[]): void => {
      for (const l of ls) if (l instanceof ResidualBlock) {
        l.recorder = record;
        wire(l.main);
        wire(l.shortcut);
      }
    };
    wire(layers);
    this.recorder = record;
  }

  private readonly recorder: OutputRecorder;

  /** Records one sample of the following forwards (null stops recording); see SampleRecorder. */
  setRecorder(recorder: SampleRecorder | null): void {
    this.sampleRecorder = recorder;
  }

  /** Every non-block layer in execution order. */
  leafLayers(): Layer[] {
    if (this.leaves !== null) return [...this.leaves];
    const out: Layer[] = [];
    const walk = (ls: readonly Layer[]): void => {
      for (const l of ls) if (l instanceof ResidualBlock) { walk(l.main); walk(l.shortcut); } else out.push(l);
    };
    walk(this.layers);
    this.leaves = out;
    return [...out];
  }

  private ctx(): ForwardContext {
    // The network owns the step, so layers may reuse their buffers and consume the gradients
    // they are handed (see ForwardContext).
    return { kernels: this.kernels, training: this.training, rng: this.rng, reuseBuffers: true, consumeGradients: true };
  }

  /** x: [B, ...input] analog values in [0, 1]. */
  forward(x: Float32Array, batch: number, training: boolean): ForwardResult {
    const F = this.spec.input.reduce((a, b) => a * b, 1);
    if (x.length !== batch * F) throw new RangeError(`network input has ${x.length} values, expected ${batch} x ${F}`);
    const T = this.spec.timesteps;
    this.batch = batch;
    this.training = training;
    this.outputs.clear();
    const generation = ++this.generation;
    this.encoded = this.encoder.encode(x, batch, T, this.rng, this.encoded ?? undefined);
    const input: Tensor = { data: this.encoded, shape: [T, batch, ...this.spec.input] };
    this.sampleRecorder?.captureInput(input, this.encoder.binary);
    const y = forwardSeq(this.layers, input, this.ctx(), this.recorder);
    const O = y.data.length / (T * batch);
    const scores = this.decoder.forward(y.data, T, batch, O);
    const leaves = this.leafLayers();
    let activity: Record<string, LayerActivity> | null = null;
    const current = (): boolean => generation === this.generation;
    return {
      scores,
      classes: this.decoder.classes(O),
      get activity(): Record<string, LayerActivity> {
        if (activity === null) {
          if (!current()) throw new Error('ForwardResult.activity was first read after a later forward; read it before the next forward');
          activity = {};
          for (const l of leaves) {
            const a = l.activity();
            if (a) activity[l.name] = a;
          }
        }
        return activity;
      },
    };
  }

  /** gradScores: dL/dscores [B, classes] of the last training forward; fills the params' grads. */
  backward(gradScores: Float32Array): void {
    if (!this.training) throw new Error('Network.backward needs a training forward first');
    const dy = this.decoder.backward(gradScores);
    const T = this.spec.timesteps;
    const last = this.layers[this.layers.length - 1];
    const outShape = this.outputs.get(last.name)?.shape ?? [T, this.batch, dy.length / (T * this.batch)];
    backwardSeq(this.layers, { data: dy, shape: outShape }, this.ctx());
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  buffers(): Param[] {
    return this.layers.flatMap((l) => l.buffers());
  }

  /** Names of layers whose output can be rastered (spiking layers), in order. */
  spikingLayerNames(): string[] {
    return this.leafLayers().filter((l) => l.type === 'neuron').map((l) => l.name);
  }

  /**
   * One sample's spikes in `layerName` from the last forward as address events (t, neuron id),
   * at most maxEvents of them (earliest first).
   */
  recordRaster(layerName: string, sampleIndex: number, maxEvents = 20000): Raster {
    const out = this.outputs.get(layerName);
    if (!out) throw new RangeError(`no output recorded for layer "${layerName}"; spiking layers: ${this.spikingLayerNames().join(', ')}`);
    const [T, B] = out.shape;
    if (sampleIndex < 0 || sampleIndex >= B) throw new RangeError(`sample ${sampleIndex} is outside the last batch of ${B}`);
    const n = out.data.length / (T * B);
    const times: number[] = [];
    const ids: number[] = [];
    let truncated = false;
    for (let t = 0; t < T && !truncated; t++) {
      const base = (t * B + sampleIndex) * n;
      for (let i = 0; i < n; i++) {
        if (out.data[base + i] === 0) continue;
        if (times.length >= maxEvents) { truncated = true; break; }
        times.push(t);
        ids.push(i);
      }
    }
    return { layer: layerName, timesteps: T, neurons: n, times, ids, truncated };
  }

  /**
   * Membrane traces of a few neurons of one sample in `layerName` from the last forward (valid
   * until the next one), with the layer's threshold: the live monitor's view of a training batch.
   */
  recordMembranes(layerName: string, sampleIndex: number, neurons: readonly number[]): { threshold: number | null; traces: { neuron: number; values: number[] }[] } {
    const layer = this.leafLayers().find((l) => l.name === layerName);
    if (!(layer instanceof NeuronLayer)) throw new RangeError(`layer "${layerName}" is not a neuron layer; neuron layers: ${this.spikingLayerNames().join(', ')}`);
    const h = layer.lastMembrane();
    const out = this.outputs.get(layerName);
    if (!h || !out) throw new RangeError(`no membrane recorded for layer "${layerName}"; run a forward first`);
    const [T, B] = out.shape;
    if (sampleIndex < 0 || sampleIndex >= B) throw new RangeError(`sample ${sampleIndex} is outside the last batch of ${B}`);
    const n = h.length / (T * B);
    const traces = neurons.filter((i) => Number.isInteger(i) && i >= 0 && i < n).map((neuron) => {
      const values = new Array<number>(T);
      for (let t = 0; t < T; t++) values[t] = h[(t * B + sampleIndex) * n + neuron];
      return { neuron, values };
    });
    return { threshold: layer.spec.model === 'integrator' ? null : layer.kernelParams().threshold, traces };
  }

  saveWeights(): Uint8Array {
    const all = [...this.params(), ...this.buffers()];
    return encodeSafetensors(all.map((p) => ({ name: p.name, shape: p.shape, data: p.value })), { format: 'spikelab.weights', model: this.spec.name });
  }

  /** Strict: every parameter and buffer must be present with its shape; extra tensors are errors too. */
  loadWeights(bytes: Uint8Array): void {
    let tensors;
    try {
      tensors = decodeSafetensors(bytes).tensors;
    } catch (e) {
      if (e instanceof SafetensorsError) throw new WeightsError(`weights: ${e.message}`);
      throw e;
    }
    const all = [...this.params(), ...this.buffers()];
    const names = new Set(all.map((p) => p.name));
    const extra = [...tensors.keys()].filter((k) => !names.has(k));
    if (extra.length) throw new WeightsError(`weights contain tensors this model does not have: ${extra.slice(0, 5).join(', ')}`);
    for (const p of all) {
      const t = tensors.get(p.name);
      if (!t) throw new WeightsError(`weights lack tensor "${p.name}"`);
      if (t.shape.join('x') !== p.shape.join('x'))
        throw new WeightsError(`tensor "${p.name}" has shape [${t.shape.join(', ')}], model expects [${p.shape.join(', ')}]`);
    }
    for (const p of all) p.value.set((tensors.get(p.name) as { data: Float32Array }).data);
  }
}

/**
 * The `k` neurons with the most events in a raster (ties and silent layers: lowest index first), the
 * default choice of membrane traces: a trace that never nears the threshold says little.
 */
export function mostActiveNeurons(ids: ArrayLike<number>, neurons: number, k: number): number[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) counts.set(ids[i], (counts.get(ids[i]) ?? 0) + 1);
  const chosen = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k).map(([id]) => id);
  for (let i = 0; chosen.length < Math.min(k, neurons) && i < neurons; i++) if (!counts.has(i)) chosen.push(i);
  return chosen.sort((a, b) => a - b);
}
