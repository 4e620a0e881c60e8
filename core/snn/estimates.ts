/**
 * Size and memory estimates for a model spec, before anything is built: parameter counts, the
 * equivalent ANN's multiply-accumulates, activation memory, and what BPTT keeps alive for backward
 * as a function of timesteps T and batch B.
 *
 * The BPTT rules mirror what the engine's layers store (see each layer's forward): dense and conv
 * keep their input (conv recomputes columns into a per-sample workspace instead of caching them),
 * neuron layers keep their input, H and S (the S they return is their output), max pooling keeps argmax
 * indices, dropout one mask per sample, batch norm x_hat plus 1/std per channel. Saved tensors that
 * are the same buffer (a dense layer's input that is the previous neuron layer's S) are counted
 * once in the totals. The native convolution keeps working buffers per kernel thread between steps
 * (nativeConvScratch), counted in the training total. All figures are estimates: allocator
 * overhead and transient buffers inside a step are not included.
 */
import type { LayerSpec, ModelSpec } from './spec';
import { inferShapes, type LayerShapeInfo } from './specValidate';
import { CONV_COLUMN_BUDGET, convWorkspaceFloats, pair, resolveConvPadding } from './layers/conv2d';

const BYTES_PER_FLOAT = 4;

/** Images per task of the native batched convolution (kTaskImages in native/src/conv.cc). */
const NATIVE_CONV_TASK_IMAGES = 16;
/** native/src/convDirect.cc: most filters per group for the direct kernels, fewest taps for direct dW and dx. */
const NATIVE_DIRECT_MAX_FILTERS = 64;
const NATIVE_DIRECT_MIN_GRAD_TAPS = 64;
const VECTOR_LANES = 16;

/** The geometry of one group of a conv layer, as the native kernels see it. */
export interface NativeConvShape {
  /** Input channels per group. */
  channels: number;
  height: number;
  width: number;
  padH: number;
  padW: number;
  kernelArea: number;
  filtersPerGroup: number;
  outHW: number;
}

/**
 * Floats of the buffers each native kernel thread keeps between calls for one conv layer's
 * training step, by buffer (native/src/conv.cc Scratch, convDirect.cc thread_local buffers): the
 * im2col block (columns and the filter-major output of as many images as fit CONV_COLUMN_BUDGET),
 * or, on AVX-512 machines, the direct kernels' copies with the 16 images of a task along the
 * lanes. Every layer grows the same buffers, so a network keeps each one's largest size.
 */
export function nativeConvScratch(s: NativeConvShape): Record<string, number> {
  const colRows = s.channels * s.kernelArea;
  const plane = (s.height + 2 * s.padH) * (s.width + 2 * s.padW);
  const lanes = Math.ceil(s.filtersPerGroup / VECTOR_LANES) * VECTOR_LANES;
  const perImage = Math.max(1, (colRows + s.filtersPerGroup) * s.outHW);
  const block = perImage * Math.min(NATIVE_CONV_TASK_IMAGES, Math.max(1, Math.floor(CONV_COLUMN_BUDGET / perImage)));
  if (s.filtersPerGroup > NATIVE_DIRECT_MAX_FILTERS) return { columns: block };
  const out: Record<string, number> = {
    imageInput: VECTOR_LANES * s.channels * plane,
    imageOutput: VECTOR_LANES * s.filtersPerGroup * s.outHW,
  };
  if (colRows < NATIVE_DIRECT_MIN_GRAD_TAPS) return { ...out, columns: block };
  return {
    ...out,
    imageGradOutput: VECTOR_LANES * s.filtersPerGroup * s.outHW,
    imageGradInput: VECTOR_LANES * s.channels * plane,
    gradWeights: colRows * lanes,
    gradOutputRows: s.outHW * lanes,
    paddedInput: s.padH > 0 || s.padW > 0 ? s.channels * plane : 0,
  };
}

export type SavedKind = 'input' | 'membrane' | 'spikes' | 'adaptation' | 'mask' | 'argmax' | 'normalised' | 'invStd' | 'workspace';

export interface SavedTensor {
  kind: SavedKind;
  /** Float (or int32) slots for given T and B. */
  floats: number;
  /** Buffer identity: equal keys are one buffer (e.g. a neuron layer's S and the next layer's input). */
  key: string;
}

export interface LayerEstimate {
  name: string;
  type: LayerSpec['type'];
  path: string;
  depth: number;
  inputShape: number[];
  outputShape: number[];
  /** Learnable parameters. */
  params: number;
  /** Saved non-learnable state (BN running mean/var). */
  buffers: number;
  /** Multiply-accumulates of the equivalent ANN layer per sample and time step (synaptic layers). */
  macsPerStep: number;
  /** Output elements per sample and time step. */
  outputPerStep: number;
  /** What the layer keeps for backward after a training forward of T steps on B samples. */
  saved: SavedTensor[];
  savedFloats: number;
}

export interface EstimateOptions {
  timesteps?: number;
  batch: number;
  /** Optimiser state per parameter: 2 for Adam (m, v), 1 for SGD with momentum, 0 for plain SGD. */
  optimizerStatePerParam?: number;
  /** Native kernel threads, each keeping its own convolution column block; default 1. */
  threads?: number;
}

export interface ModelEstimate {
  /** Always true: these are estimates, not measurements. */
  estimate: true;
  timesteps: number;
  batch: number;
  layers: LayerEstimate[];
  totalParams: number;
  totalBuffers: number;
  /** Equivalent ANN MACs per sample for one pass (one time step). */
  annMacsPerSample: number;
  bytes: {
    /** Parameter values + gradients + optimiser state + buffers. */
    parameters: number;
    /** Every layer output of one forward of T steps on B samples (inference peak is far lower). */
    activations: number;
    /** Unique tensors kept for backward (BPTT), counted once where layers share a buffer. */
    bptt: number;
    /** Buffers the native convolution keeps per kernel thread between steps (nativeConvScratch). */
    nativeConvScratch: number;
    /** parameters + bptt + nativeConvScratch + the network input. */
    trainingTotal: number;
  };
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function paramCount(info: LayerShapeInfo): { params: number; buffers: number; macs: number } {
  const spec = info.spec;
  const inN = prod(info.inputShape);
  const outN = prod(info.outputShape);
  switch (spec.type) {
    case 'dense':
      return { params: inN * spec.units + (spec.bias === false ? 0 : spec.units), buffers: 0, macs: inN * spec.units };
    case 'conv2d': {
      const [kh, kw] = pair(spec.kernel, 1);
      const fanIn = (info.inputShape[0] / (spec.groups ?? 1)) * kh * kw;
      return { params: spec.filters * fanIn + (spec.bias === false ? 0 : spec.filters), buffers: 0, macs: outN * fanIn };
    }
    case 'batchnorm':
    case 'tdbn':
      return { params: 2 * info.inputShape[0], buffers: 2 * info.inputShape[0], macs: 0 };
    case 'neuron': {
      // PLIF learns one tau per layer (Fang et al., ICCV 2021); a learnable threshold is one more.
      const n = spec.neuron;
      return { params: (n.model === 'plif' ? 1 : 0) + (n.learnThreshold ? 1 : 0), buffers: 0, macs: 0 };
    }
    default:
      return { params: 0, buffers: 0, macs: 0 };
  }
}

/** Saved tensors of one layer; `inKey` is the buffer identity of its input. */
function savedOf(info: LayerShapeInfo, T: number, B: number, inKey: string): { saved: SavedTensor[]; outKey: string } {
  const spec = info.spec;
  const inN = prod(info.inputShape);
  const outN = prod(info.outputShape);
  const own = info.name;
  switch (spec.type) {
    case 'dense':
      return { saved: [{ kind: 'input', floats: T * B * inN, key: inKey }], outKey: own };
    case 'conv2d': {
      const [kh, kw] = pair(spec.kernel, 1);
      const colRows = (info.inputShape[0] / (spec.groups ?? 1)) * kh * kw;
      const ws = convWorkspaceFloats(colRows, info.outputShape[1] * info.outputShape[2]);
      return {
        saved: [
          { kind: 'input', floats: T * B * inN, key: inKey },
          { kind: 'workspace', floats: ws, key: `${own}:cols` },
        ],
        outKey: own,
      };
    }
    case 'relu':
      return { saved: [{ kind: 'mask', floats: (T * B * inN) / 4, key: `${own}:mask` }], outKey: own };
    case 'maxpool':
      return { saved: [{ kind: 'argmax', floats: T * B * outN, key: `${own}:argmax` }], outKey: own };
    case 'dropout':
      return spec.rate > 0 ? { saved: [{ kind: 'mask', floats: B * inN, key: `${own}:mask` }], outKey: own } : { saved: [], outKey: inKey };
    case 'batchnorm':
    case 'tdbn':
      return {
        saved: [
          { kind: 'normalised', floats: T * B * inN, key: `${own}:xhat` },
          { kind: 'invStd', floats: info.inputShape[0], key: `${own}:invStd` },
        ],
        outKey: own,
      };
    case 'neuron': {
      // NeuronLayer keeps its (synapse-filtered) input for PLIF/tau gradients, H and S for the
      // surrogate, and the adaptation trace A for ALIF / reset 'none'. Spiking layers return S
      // itself; an integrator returns a separate membrane buffer and its S stays all zero.
      const n = spec.neuron;
      const size = T * B * outN;
      const filtered = n.synapse !== undefined && n.synapse.kind !== 'instant';
      const spiking = n.model !== 'integrator';
      const saved: SavedTensor[] = [
        { kind: 'input', floats: size, key: filtered ? `${own}:filtered` : inKey },
        { kind: 'membrane', floats: size, key: `${own}:H` },
        { kind: 'spikes', floats: size, key: spiking ? own : `${own}:S` },
      ];
      if (n.model === 'alif' || (spiking && n.reset === 'none')) saved.push({ kind: 'adaptation', floats: size, key: `${own}:A` });
      return { saved, outKey: own };
    }
    case 'flatten':
      return { saved: [], outKey: inKey };
    case 'avgpool':
    case 'delay':
    case 'residual':
      return { saved: [], outKey: own };
  }
}

/** Estimates for a valid spec (throws SpecError on shape problems, like inferShapes). */
export function estimateModel(spec: ModelSpec, opts: EstimateOptions): ModelEstimate {
  const T = opts.timesteps ?? spec.timesteps;
  const B = opts.batch;
  const optState = opts.optimizerStatePerParam ?? 2;
  const threads = opts.threads ?? 1;
  const shapes = inferShapes(spec);

  const byPath = new Map(shapes.layers.map((l) => [l.path, l]));
  const layers: LayerEstimate[] = [];
  const push = (info: LayerShapeInfo, saved: SavedTensor[]): void => {
    const counts = paramCount(info);
    layers.push({
      name: info.name,
      type: info.type,
      path: info.path,
      depth: info.depth,
      inputShape: info.inputShape,
      outputShape: info.outputShape,
      params: counts.params,
      buffers: counts.buffers,
      macsPerStep: counts.macs,
      outputPerStep: prod(info.outputShape),
      saved,
      savedFloats: saved.reduce((a, x) => a + x.floats, 0),
    });
  };
  // Buffer identity flows through each list; both branches of a residual block read the block
  // input, and the block's output is a fresh sum buffer.
  const walkList = (list: readonly LayerSpec[], prefix: string, inKey: string): string => {
    let key = inKey;
    list.forEach((_, i) => {
      const info = byPath.get(`${prefix}[${i}]`);
      if (!info) throw new Error(`estimateModel: no shape for ${prefix}[${i}]`);
      if (info.spec.type === 'residual') {
        push(info, []);
        walkList(info.spec.layers, `${info.path}.layers`, key);
        if (info.spec.shortcut) walkList(info.spec.shortcut, `${info.path}.shortcut`, key);
        key = info.name;
        return;
      }
      const { saved, outKey } = savedOf(info, T, B, key);
      push(info, saved);
      key = outKey;
    });
    return key;
  };
  walkList(spec.layers, 'layers', 'input');

  const unique = new Map<string, number>();
  for (const l of layers) for (const s of l.saved) unique.set(s.key, Math.max(unique.get(s.key) ?? 0, s.floats));
  const bpttFloats = [...unique.values()].reduce((a, b) => a + b, 0);
  const totalParams = layers.reduce((a, l) => a + l.params, 0);
  const totalBuffers = layers.reduce((a, l) => a + l.buffers, 0);
  const activations = layers.filter((l) => l.type !== 'flatten').reduce((a, l) => a + l.outputPerStep * T * B, 0);
  const parametersBytes = (totalParams * (2 + optState) + totalBuffers) * BYTES_PER_FLOAT;
  const inputBytes = prod(spec.input) * T * B * BYTES_PER_FLOAT;
  const scratch = new Map<string, number>();
  for (const info of shapes.layers) {
    if (info.spec.type !== 'conv2d') continue;
    const [kh, kw] = pair(info.spec.kernel, 1);
    const [ph, pw] = resolveConvPadding(info.spec.padding, [kh, kw]);
    const groups = info.spec.groups ?? 1;
    const buffers = nativeConvScratch({
      channels: info.inputShape[0] / groups,
      height: info.inputShape[1],
      width: info.inputShape[2],
      padH: ph,
      padW: pw,
      kernelArea: kh * kw,
      filtersPerGroup: info.spec.filters / groups,
      outHW: info.outputShape[1] * info.outputShape[2],
    });
    for (const [key, floats] of Object.entries(buffers)) scratch.set(key, Math.max(scratch.get(key) ?? 0, floats));
  }
  const scratchFloats = [...scratch.values()].reduce((a, b) => a + b, 0);
  const scratchBytes = threads * scratchFloats * BYTES_PER_FLOAT;
  return {
    estimate: true,
    timesteps: T,
    batch: B,
    layers,
    totalParams,
    totalBuffers,
    annMacsPerSample: layers.reduce((a, l) => a + l.macsPerStep, 0),
    bytes: {
      parameters: parametersBytes,
      activations: activations * BYTES_PER_FLOAT,
      bptt: bpttFloats * BYTES_PER_FLOAT,
      nativeConvScratch: scratchBytes,
      trainingTotal: parametersBytes + bpttFloats * BYTES_PER_FLOAT + scratchBytes + inputBytes,
    },
  };
}

