/**
 * Single-spike temporal backpropagation, S4NN (Kheradpisheh & Masquelier, "Temporal
 * Backpropagation for Spiking Neural Networks with One Spike per Neuron", Int. J. Neural Syst.
 * 30(6), 2020), method "single-spike".
 *
 * Coding and neurons (S4NN Sec. 2.1-2.2): pixel x in (0, 1] fires once at t = floor(T (1 - x)) (a
 * zero pixel never fires); non-leaky IF neurons without synaptic dynamics,
 *   V_j(t) = sum_i w_ij [t_i <= t] (+ b_j, an input that fires at t = 0),
 * fire once at t_j = min{t : V_j(t) >= theta}; a neuron that never fires is given t_j = T. The
 * class is the output neuron that fires first (ties: the higher final potential).
 * Loss with relative targets (eq. 7-9): tau = min_j t^o_j; the correct class's target is tau, any
 * other's is tau + gamma if it fired before that, else its own time; with every output silent the
 * correct class is asked for T - gamma and the others for T (as S4NN's reference code does);
 * e_j = (T_j - t_j) / T and L = 1/2 sum_j e_j^2.
 * Gradients through spike times (eq. 10-13), with dt_j/dV_j taken as -1:
 *   dt_j/dw_ij = -[t_i <= t_j],   dt_j/dt_i = w_ij [t_i <= t_j],
 *   delta^L_j = dL/dt_j = -e_j / T,  delta^l_i = sum_j delta^{l+1}_j w_ij [t_i <= t_j],
 *   dL/dw_ij = -delta^{l+1}_j [t_i <= t_j],
 * where only neurons that fired count as presynaptic (a silent neuron sent nothing), and each
 * layer's delta vector is normalised to unit L2 norm per sample (eq. 14), which keeps the update
 * scale independent of depth and of how many neurons fired.
 * Optimiser "online" is S4NN's: plain SGD after every image (the batch only sets how often metrics
 * and checkpoints are taken), learning rate decayed per epoch by `lrDecay`; hidden neurons that
 * fired for fewer than `deadReset` of an epoch's images get fresh random weights after the epoch's
 * test evaluation (S4NN reference code), since backprop never reaches a neuron that never fires.
 * Outside the paper, both off by default: `shift` translates training images by up to a few
 * pixels (LeCun et al. 1998), and `tieBreak: 'crossing'` reads outputs that fire on the same step
 * by their crossing time interpolated within it (Hansel et al. 1998), since spike times are input
 * times and such ties do not shrink with T.
 * Silent-neuron regulariser (our addition, required by issue 4): a hidden neuron that stays silent
 * for a sample pays lambda (theta - V_j(T)) / theta, the charge it lacks; its gradient
 * -lambda / theta on the weights from inputs that fired (and on the bias) raises them until the
 * neuron takes part again.
 */
import type { RunConfig } from '../api/contract';
import { buildNetwork } from '../snn/build';
import { getKernels } from '../snn/kernels/index';
import type { Kernels } from '../snn/kernels/types';
import type { Param } from '../snn/layers/layer';
import { NEURON_DEFAULTS } from '../snn/layers/neuron';
import { Optimizer } from '../snn/optim';
import { Rng } from '../snn/rng';
import type { ModelSpec } from '../snn/spec';
import { loadMnistDataset, gatherBatch, type Dataset } from './bptt';
import { MethodError, parseOptions, rawMethodOptions, runEpochs, type OptionTable, type OptionValues, type StepOutcome } from './methodKit';
import type { CheckpointState, TrainHooks, TrainMethod, TrainResult } from './types';

export const SINGLE_SPIKE_OPTIONS = {
  gamma: { rule: { kind: 'number', default: 3, min: 0, integer: true }, doc: 'Target margin in steps between the winner and the other outputs.' },
  silentPenalty: { rule: { kind: 'number', default: 1e-3, min: 0 }, doc: 'Regulariser strength pushing silent hidden neurons to fire.' },
  normaliseDelta: { rule: { kind: 'bool', default: true }, doc: 'Normalise each layer’s delta to unit norm per sample (S4NN eq. 14).' },
  optimizer: { rule: { kind: 'enum', default: 'adam', values: ['adam', 'sgd', 'online'] }, doc: 'Adam or SGD on batch means, or online: SGD after every image as in S4NN.' },
  init: { rule: { kind: 'enum', default: 'signed', values: ['signed', 'uniform'] }, doc: 'signed: U(-a, a) + a/10 (initGain); uniform: S4NN\'s U(0, initMax theta) per layer.' },
  initGain: { rule: { kind: 'number', default: 1, min: 0 }, doc: 'signed init: a = initGain theta / sqrt(fanIn / 5).' },
  initMax: { rule: { kind: 'numbers', default: [0.05, 0.48], min: 0 }, doc: 'uniform init: upper bound per layer as a fraction of theta (S4NN: 5 and 48 for theta 100); the last value repeats.' },
  lrDecay: { rule: { kind: 'number', default: 1, min: 0, max: 1 }, doc: 'Learning rate factor per epoch.' },
  deadReset: { rule: { kind: 'number', default: 0, min: 0, max: 1 }, doc: 'Re-initialise hidden neurons that fired for fewer than this fraction of an epoch\'s images (S4NN: 0.001); 0 = off.' },
  shift: { rule: { kind: 'number', default: 0, min: 0, max: 4, integer: true }, doc: 'Training only: translate each square training image by a random whole number of pixels in [-shift, shift] per axis (0 = off).' },
  tieBreak: { rule: { kind: 'enum', default: 'potential', values: ['potential', 'crossing'] }, doc: 'Outputs that fire on the same step: the higher final potential wins, or the earlier crossing interpolated within the step.' },
} satisfies OptionTable;

export type SingleSpikeOptions = OptionValues<typeof SINGLE_SPIKE_OPTIONS>;

interface SsLayer {
  w: Param;
  b: Param | null;
  nIn: number;
  nOut: number;
  theta: number;
}

/** The layers of a single-spike model: dense layers separated by IF neurons (the last IF optional). */
export function singleSpikeLayers(spec: ModelSpec, params: readonly Param[]): SsLayer[] {
  const byName = new Map(params.map((p) => [p.name, p]));
  const out: SsLayer[] = [];
  let nIn = spec.input.reduce((a, b) => a * b, 1);
  let prev: ModelSpec['layers'][number] | null = null;
  spec.layers.forEach((l, i) => {
    const name = l.name ?? `${l.type}${i + 1}`;
    if (l.type === 'dense') {
      if (prev && prev.type === 'dense') throw new MethodError('METHOD_MODEL', `single-spike: dense layers "${name}" and its predecessor need an IF neuron layer between them`);
      const w = byName.get(`${name}.weight`);
      if (!w) throw new MethodError('METHOD_MODEL', `single-spike: no weight for "${name}"`);
      out.push({ w, b: byName.get(`${name}.bias`) ?? null, nIn, nOut: l.units, theta: NEURON_DEFAULTS.threshold });
      nIn = l.units;
    } else if (l.type === 'neuron') {
      if (l.neuron.model !== 'if') throw new MethodError('METHOD_MODEL', `single-spike: neuron layer "${name}" must be non-leaky IF (model "if"), got "${l.neuron.model}"`);
      if (!out.length) throw new MethodError('METHOD_MODEL', `single-spike: neuron layer "${name}" has no dense layer before it`);
      out[out.length - 1].theta = l.neuron.threshold ?? NEURON_DEFAULTS.threshold;
    } else if (l.type !== 'flatten') throw new MethodError('METHOD_MODEL', `single-spike supports dense, flatten and IF neuron layers, not "${l.type}"`);
    prev = l;
  });
  if (out.length < 1) throw new MethodError('METHOD_MODEL', 'single-spike: the model has no dense layer');
  return out;
}

/** Spike times of one sample through all layers; times[0] are the input times. */
export interface SsTrace {
  times: Int32Array[];
  /** Potential at T of each layer's neurons (index l + 1 like times). */
  vEnd: Float32Array[];
  /**
   * Output layer only: the crossing time interpolated within the firing step, t_j - 1 + (theta -
   * V_j(t_j - 1)) / (V_j(t_j) - V_j(t_j - 1)), as if the step's input spikes arrived spread over it
   * (the linear interpolation of Hansel et al., Neural Comput. 10, 1998); T for a silent neuron.
   */
  crossing: Float64Array;
}

/** Input latency code: floor(T (1 - x)) for x > 0, T (never) for x = 0. */
export function latencyTimes(x: Float32Array, off: number, n: number, T: number): Int32Array {
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    t[i] = v > 0 ? Math.min(T - 1, Math.floor(T * (1 - Math.min(1, v)))) : T;
  }
  return t;
}

/** Event-driven single-spike forward of one sample: inputs are added at their spike step. */
export function singleSpikeForward(layers: readonly SsLayer[], tIn: Int32Array, T: number): SsTrace {
  const times = [tIn];
  const vEnd: Float32Array[] = [];
  let cur = tIn;
  let crossing = new Float64Array(0);
  for (const [li, L] of layers.entries()) {
    const last = li === layers.length - 1;
    // Bucket inputs by spike time.
    const count = new Int32Array(T + 1);
    for (let i = 0; i < L.nIn; i++) count[cur[i]]++;
    const start = new Int32Array(T + 2);
    for (let t = 0; t <= T; t++) start[t + 1] = start[t] + count[t];
    const order = new Int32Array(L.nIn);
    const fill = start.slice(0, T + 1);
    for (let i = 0; i < L.nIn; i++) order[fill[cur[i]]++] = i;
    const v = new Float32Array(L.nOut);
    if (L.b) v.set(L.b.value);
    const t = new Int32Array(L.nOut).fill(T);
    const w = L.w.value;
    const n = L.nOut;
    // A bias is charge present from step 0, so it can fire a neuron before any input arrives.
    if (L.b) for (let j = 0; j < n; j++) if (v[j] >= L.theta) t[j] = 0;
    for (let s = 0; s < T; s++) {
      // Without synaptic dynamics the potential only moves when spikes arrive.
      if (start[s] === start[s + 1]) continue;
      for (let k = start[s]; k < start[s + 1]; k++) {
        const row = order[k] * n;
        for (let j = 0; j < n; j++) v[j] += w[row + j];
      }
      for (let j = 0; j < n; j++) if (t[j] === T && v[j] >= L.theta) t[j] = s;
    }
    if (last) {
      crossing = new Float64Array(n).fill(T);
      for (let j = 0; j < n; j++) {
        const s = t[j];
        if (s >= T) continue;
        let jump = 0;
        for (let k = start[s]; k < start[s + 1]; k++) jump += w[order[k] * n + j];
        let before = L.b ? L.b.value[j] : 0;
        for (let k = 0; k < start[s]; k++) before += w[order[k] * n + j];
        crossing[j] = jump > 0 && before < L.theta ? s - 1 + (L.theta - before) / jump : s;
      }
    }
    times.push(t);
    vEnd.push(v);
    cur = t;
  }
  return { times, vEnd, crossing };
}

/**
 * Earliest output spike wins. Ties (outputs that crossed on the same input event: spike times are
 * input times, so T cannot separate them) and silence are broken by the final potential, or with
 * `crossing` first by the interpolated crossing time within the step.
 */
export function singleSpikePredict(tOut: Int32Array, vOut: Float32Array, crossing: Float64Array | null = null): number {
  let best = 0;
  for (let j = 1; j < tOut.length; j++) {
    if (tOut[j] > tOut[best]) continue;
    if (tOut[j] < tOut[best]) best = j;
    else if (crossing && crossing[j] !== crossing[best]) {
      if (crossing[j] < crossing[best]) best = j;
    } else if (vOut[j] > vOut[best]) best = j;
  }
  return best;
}

/** S4NN's relative target times (eq. 7-8), given the output times and the label. */
export function relativeTargets(tOut: Int32Array, label: number, T: number, gamma: number): Float64Array {
  let tau = T;
  for (const t of tOut) tau = Math.min(tau, t);
  const target = new Float64Array(tOut.length);
  if (tau >= T) {
    // All silent: the relative loss would be zero, so the correct class is asked to fire before T.
    target.fill(T);
    target[label] = Math.max(0, T - Math.max(1, gamma));
    return target;
  }
  for (let j = 0; j < tOut.length; j++) target[j] = j === label ? tau : tOut[j] < tau + gamma ? Math.min(T, tau + gamma) : tOut[j];
  return target;
}

function normalise(d: Float64Array): void {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  if (s > 0) {
    const k = 1 / Math.sqrt(s);
    for (let i = 0; i < d.length; i++) d[i] *= k;
  }
}

/** Per-neuron firing counts of the hidden layers, for the dead-neuron reset. */
export type FiringCounts = Int32Array[];

type StepOptions = Pick<SingleSpikeOptions, 'gamma' | 'silentPenalty' | 'normaliseDelta'> & Partial<Pick<SingleSpikeOptions, 'tieBreak'>>;

/**
 * One batch: forward, loss, temporal backprop. With `onlineLr` null the gradients (mean over the
 * batch) go into the params' grads for the optimiser; with a learning rate every image's update is
 * applied to the weights at once (S4NN's online SGD) and the grads stay untouched.
 */
export function singleSpikeStep(layers: readonly SsLayer[], x: Float32Array, y: ArrayLike<number>, B: number, T: number, o: StepOptions, onlineLr: number | null = null, counts: FiringCounts | null = null): StepOutcome {
  const F = layers[0].nIn;
  let loss = 0;
  let correct = 0;
  const fired = layers.map(() => 0);
  // Gradient step g applied to weight k: into the grad (batch mean) or straight into the weight.
  const scale = onlineLr === null ? 1 / B : onlineLr;
  for (let b = 0; b < B; b++) {
    const tr = singleSpikeForward(layers, latencyTimes(x, b * F, F, T), T);
    const L = layers.length;
    const tOut = tr.times[L];
    const vOut = tr.vEnd[L - 1];
    if (singleSpikePredict(tOut, vOut, o.tieBreak === 'crossing' ? tr.crossing : null) === y[b]) correct++;
    for (let l = 0; l < L; l++) {
      const tl = tr.times[l + 1];
      const c = l < L - 1 && counts ? counts[l] : null;
      for (let j = 0; j < tl.length; j++)
        if (tl[j] < T) {
          fired[l]++;
          if (c) c[j]++;
        }
    }
    const target = relativeTargets(tOut, y[b], T, o.gamma);
    let delta = new Float64Array(tOut.length);
    for (let j = 0; j < tOut.length; j++) {
      const e = (target[j] - tOut[j]) / T;
      loss += 0.5 * e * e;
      delta[j] = -e / T;
    }
    for (let l = L - 1; l >= 0; l--) {
      if (o.normaliseDelta) normalise(delta);
      const Ly = layers[l];
      const tI = tr.times[l];
      const tJ = tr.times[l + 1];
      const w = Ly.w.value;
      const dst = onlineLr === null ? Ly.w.grad : w;
      // Descent: grad -= delta (w += lr delta online), i.e. dst -= sign * delta * scale.
      const k = onlineLr === null ? scale : -scale;
      const n = Ly.nOut;
      const prev = l > 0 ? new Float64Array(Ly.nIn) : null;
      for (let i = 0; i < Ly.nIn; i++) {
        const ti = tI[i];
        if (ti >= T) continue; // a silent neuron sent no spike, so it neither contributed nor learns here
        const row = i * n;
        let acc = 0;
        for (let j = 0; j < n; j++) {
          if (ti > tJ[j]) continue;
          acc += delta[j] * w[row + j];
          dst[row + j] -= delta[j] * k;
        }
        if (prev) prev[i] = acc;
      }
      if (Ly.b) {
        const db = onlineLr === null ? Ly.b.grad : Ly.b.value;
        for (let j = 0; j < n; j++) db[j] -= delta[j] * k;
      }
      // Silent-neuron regulariser on hidden layers.
      if (l < L - 1 && o.silentPenalty > 0) {
        const v = tr.vEnd[l];
        for (let j = 0; j < n; j++) {
          if (tJ[j] < T) continue;
          loss += (o.silentPenalty * Math.max(0, Ly.theta - v[j])) / Ly.theta;
          const g = (o.silentPenalty / Ly.theta) * k;
          for (let i = 0; i < Ly.nIn; i++) if (tI[i] < T) dst[i * n + j] -= g;
          if (Ly.b) (onlineLr === null ? Ly.b.grad : Ly.b.value)[j] -= g;
        }
      }
      if (prev) delta = prev;
    }
  }
  const firingRates: Record<string, number> = {};
  layers.forEach((Ly, l) => (firingRates[Ly.w.name.replace(/\.weight$/, '')] = fired[l] / (B * Ly.nOut)));
  return { loss: loss / B, correct, firingRates };
}

export function singleSpikeAccuracy(layers: readonly SsLayer[], d: Dataset, T: number, tieBreak: SingleSpikeOptions['tieBreak'] = 'potential'): number {
  const F = layers[0].nIn;
  let correct = 0;
  for (let s = 0; s < d.count; s += 500) {
    const e = Math.min(d.count, s + 500);
    const { x, y } = gatherBatch(d, null, s, e);
    for (let b = 0; b < e - s; b++) {
      const tr = singleSpikeForward(layers, latencyTimes(x, b * F, F, T), T);
      if (singleSpikePredict(tr.times[layers.length], tr.vEnd[layers.length - 1], tieBreak === 'crossing' ? tr.crossing : null) === y[b]) correct++;
    }
  }
  return d.count ? correct / d.count : 0;
}

/** Fresh incoming weights (and zero bias) for neuron j of layer L, from the run's init. */
function initNeuron(L: SsLayer, l: number, j: number, o: SingleSpikeOptions, rng: Rng): void {
  const n = L.nOut;
  if (o.init === 'uniform') {
    const hi = o.initMax[Math.min(l, o.initMax.length - 1)] * L.theta;
    for (let i = 0; i < L.nIn; i++) L.w.value[i * n + j] = rng.next() * hi;
  } else {
    // U(-a, a) + a/10 with a = initGain theta / sqrt(active inputs): the potential at T has a
    // spread of about theta across neurons, so neurons are selective (fire at pattern-dependent
    // times or not at all) instead of all firing together on total input mass, which a purely
    // positive init gives at small T. A fifth of the inputs is taken as active.
    const a = (o.initGain * L.theta) / Math.sqrt(Math.max(1, 0.2 * L.nIn));
    for (let i = 0; i < L.nIn; i++) L.w.value[i * n + j] = (rng.next() * 2 - 1) * a + a / 10;
  }
  if (L.b) L.b.value[j] = 0;
}

/**
 * Random translation of B square images in place (zero fill), dx, dy uniform in [-max, max]: the
 * classic augmentation for MNIST (LeCun et al. 1998; Simard et al., ICDAR 2003), here the
 * regulariser a 784-400-10 net lacks once it fits the 60k images.
 */
export function shiftImages(x: Float32Array, B: number, side: number, max: number, rng: Rng): void {
  const F = side * side;
  const img = new Float32Array(F);
  for (let b = 0; b < B; b++) {
    const dx = Math.floor(rng.next() * (2 * max + 1)) - max;
    const dy = Math.floor(rng.next() * (2 * max + 1)) - max;
    if (dx === 0 && dy === 0) continue;
    const off = b * F;
    img.fill(0);
    for (let r = 0; r < side; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= side) continue;
      for (let c = 0; c < side; c++) {
        const sc = c - dx;
        if (sc >= 0 && sc < side) img[r * side + c] = x[off + sr * side + sc];
      }
    }
    x.set(img, off);
  }
}

export interface SingleSpikeDeps {
  kernels?: () => { kernels: Kernels; note: string | null };
  loadData?: (split: 'train' | 'test', limit: number | null) => Promise<Dataset>;
  reportEvery?: number;
}

export function createSingleSpikeTrainer(deps: SingleSpikeDeps = {}): TrainMethod {
  const pickKernels = deps.kernels ?? getKernels;
  const loadData = deps.loadData ?? loadMnistDataset;
  return async (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null): Promise<TrainResult> => {
    const o = parseOptions('single-spike', SINGLE_SPIKE_OPTIONS, rawMethodOptions(config));
    const s = config.settings;
    const T = s.timesteps;
    const { kernels } = pickKernels();
    const [train, test] = await Promise.all([loadData('train', s.trainLimit), loadData('test', s.testLimit)]);
    const spec: ModelSpec = { ...config.model, timesteps: T };
    const net = buildNetwork(spec, { kernels, seed: s.seed });
    const layers = singleSpikeLayers(spec, net.params());
    const rng = new Rng((s.seed ^ 0x2545f491) >>> 0);
    layers.forEach((L, l) => {
      for (let j = 0; j < L.nOut; j++) initNeuron(L, l, j, o, rng);
    });
    const side = Math.round(Math.sqrt(layers[0].nIn));
    if (o.shift > 0 && side * side !== layers[0].nIn) throw new MethodError('METHOD_OPTIONS', `single-spike: shift needs square images, got ${layers[0].nIn} inputs`);
    // Its own stream, so that turning augmentation on leaves the init and resets as they were.
    const augRng = new Rng((s.seed ^ 0x5bd1e995) >>> 0);
    const online = o.optimizer === 'online';
    // Online updates bypass the optimiser; SGD on the untouched (zero) grads leaves weights alone.
    const opt = new Optimizer(net.params(), o.optimizer === 'adam' ? { kind: 'adam', lr: s.learningRate } : { kind: 'sgd', lr: s.learningRate });
    const stepsPerEpoch = Math.ceil(train.count / s.batchSize);
    const counts: FiringCounts = layers.slice(0, -1).map((L) => new Int32Array(L.nOut));
    let seen = 0;
    // Position in the run, for the per-epoch rate and reset (a resumed run continues from its checkpoint).
    let globalStep = resume ? resume.epoch * stepsPerEpoch + resume.step : 0;
    const resetDead = (): void => {
      let n = 0;
      layers.slice(0, -1).forEach((L, l) => {
        for (let j = 0; j < L.nOut; j++)
          if (counts[l][j] < o.deadReset * seen) {
            initNeuron(L, l, j, o, rng);
            n++;
          }
        counts[l].fill(0);
      });
      seen = 0;
      if (n) hooks.log(`single-spike: re-initialised ${n} hidden neurons that fired for < ${o.deadReset * 100} % of the epoch's images`);
    };
    return runEpochs({
      method: 'single-spike',
      config,
      hooks,
      resume,
      train,
      test,
      net,
      opt,
      kernels,
      reportEvery: deps.reportEvery ?? 1,
      step: (x, y, B) => {
        opt.lr = s.learningRate * Math.pow(o.lrDecay, Math.floor(globalStep / stepsPerEpoch));
        // At an epoch's first batch, i.e. after the previous epoch's test evaluation, so that the
        // scored network is the trained one.
        if (o.deadReset > 0 && globalStep > 0 && globalStep % stepsPerEpoch === 0) resetDead();
        if (o.shift > 0) shiftImages(x, B, side, o.shift, augRng);
        const r = singleSpikeStep(layers, x, y, B, T, o, online ? opt.lr : null, o.deadReset > 0 ? counts : null);
        seen += B;
        globalStep++;
        return r;
      },
      evaluate: (d) => singleSpikeAccuracy(layers, d, T, o.tieBreak),
    });
  };
}

export const trainSingleSpike: TrainMethod = createSingleSpikeTrainer();
