/**
 * Spiking neuron layer over [T, B, ...features]: optional synapse filter, then the membrane.
 * IF / LIF / PLIF / integrator run on the fused kernels (kernels.neuronForward / neuronBackward);
 * the adaptive-threshold ALIF and "spike without reset" run on the TypeScript loop below, because
 * their threshold changes per neuron and step, which the fused kernel does not model.
 */
import { SURROGATE_CODES, type NeuronKernelParams, type ResetCode } from '../kernels/types';
import type { NeuronSpec } from '../spec';
import { DEFAULT_SURROGATE_ALPHA, surrogateGrad } from '../surrogates';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';
import { BufferPool } from './bufferPool';
import { filterBackward, filterForward, synapseDecay } from './synapse';

/** Defaults of NeuronSpec fields (documented in modelSchema.ts). */
export const NEURON_DEFAULTS = {
  beta: 0.9,
  tau: 2,
  threshold: 1,
  vReset: 0,
  adaptDecay: 0.95,
  adaptStrength: 1.8,
} as const;

export class NeuronSpecError extends Error {
  readonly code = 'NEURON_SPEC';
  constructor(message: string) {
    super(message);
    this.name = 'NeuronSpecError';
  }
}

/**
 * Maps a NeuronSpec to the fused kernel's parameters (equations in kernels/types.ts). `decayOverride`
 * and `thresholdOverride` carry learnt values (PLIF, learnThreshold).
 */
export function neuronKernelParams(spec: NeuronSpec, learnt: { leak?: number; threshold?: number } = {}): NeuronKernelParams {
  const vReset = spec.vReset ?? NEURON_DEFAULTS.vReset;
  const threshold = learnt.threshold ?? spec.threshold ?? NEURON_DEFAULTS.threshold;
  let decay = 1;
  let inputScale = 1;
  let bias = 0;
  if (spec.model !== 'if') {
    if (spec.form === 'tau') {
      // k = 1/tau; V(t+1) = V + (I - (V - vReset)) k  =>  decay 1 - k, input k, bias k vReset.
      const k = learnt.leak ?? 1 / (spec.tau ?? NEURON_DEFAULTS.tau);
      decay = 1 - k;
      inputScale = k;
      bias = k * vReset;
    } else {
      // An integrator readout without an explicit beta integrates without leak.
      decay = learnt.leak ?? spec.beta ?? (spec.model === 'integrator' ? 1 : NEURON_DEFAULTS.beta);
    }
  }
  let reset: ResetCode;
  if (spec.model === 'integrator') reset = 2;
  else if (spec.reset === 'soft') reset = 1;
  else if (spec.reset === 'none') {
    throw new NeuronSpecError(`reset 'none' on a spiking ${spec.model} neuron has no fused kernel; it runs on the adaptive path`);
  } else reset = 0;
  const surrogate = spec.surrogate?.kind ?? 'arctan';
  if (!(surrogate in SURROGATE_CODES)) throw new NeuronSpecError(`unknown surrogate "${surrogate}"`);
  return {
    decay,
    inputScale,
    bias,
    threshold,
    reset,
    vReset,
    vInit: vReset,
    refractory: spec.refractory ?? 0,
    detachReset: spec.detachReset ?? false,
    surrogate,
    surrogateAlpha: spec.surrogate?.alpha ?? DEFAULT_SURROGATE_ALPHA[surrogate],
  };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

interface AdaptiveParams {
  base: NeuronKernelParams;
  /** 'none': spikes but keeps the membrane. */
  resetKind: 'hard' | 'soft' | 'none';
  rho: number;
  strength: number;
}

/**
 * ALIF (Bellec et al., NeurIPS 2018, LSNN, Methods eqs. for A_j and a_j):
 *   θ[t] = θ0 + β a[t],  a[t+1] = ρ a[t] + (1 − ρ) S[t],  a[0] = 0
 * with the membrane of the fused kernel and S[t] = Θ(H[t] − θ[t]). A[t] stores a[t] for backward.
 */
function adaptiveForward(q: AdaptiveParams, T: number, N: number, X: Float32Array, S: Float32Array, H: Float32Array, A: Float32Array): void {
  const p = q.base;
  for (let n = 0; n < N; n++) {
    let v = p.vInit;
    let a = 0;
    for (let t = 0; t < T; t++) {
      const i = t * N + n;
      const thr = p.threshold + q.strength * a;
      const h = Math.fround(p.decay * v + p.inputScale * X[i] + p.bias);
      const s = h >= thr ? 1 : 0;
      H[i] = h;
      S[i] = s;
      A[i] = a;
      v = q.resetKind === 'hard' ? (s ? p.vReset : h) : q.resetKind === 'soft' ? h - thr * s : h;
      a = q.rho * a + (1 - q.rho) * s;
    }
  }
}

/** Exact BPTT of adaptiveForward, including the path through the adaptation variable. */
function adaptiveBackward(
  q: AdaptiveParams,
  T: number,
  N: number,
  H: Float32Array,
  S: Float32Array,
  A: Float32Array,
  gradS: Float32Array,
  gradX: Float32Array,
): { decay: number; threshold: number } {
  const p = q.base;
  let gDecay = 0;
  let gThr = 0;
  for (let n = 0; n < N; n++) {
    let carryV = 0;
    let carryA = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + n;
      const h = H[i];
      const s = S[i];
      const thr = p.threshold + q.strength * A[i];
      const g = surrogateGrad(p.surrogate, h - thr, p.surrogateAlpha);
      const dV = carryV;
      let dS = gradS[i] + (1 - q.rho) * carryA;
      let dVdH = 1;
      let dThr = 0;
      if (q.resetKind === 'hard') {
        dVdH = 1 - s;
        if (!p.detachReset) dS += dV * (p.vReset - h);
      } else if (q.resetKind === 'soft') {
        if (!p.detachReset) dS += dV * -thr;
        dThr -= dV * s;
      }
      const dH = dV * dVdH + dS * g;
      dThr -= dS * g;
      gradX[i] = p.inputScale * dH;
      gThr += dThr;
      let vPrev = p.vInit;
      if (t > 0) {
        const hp = H[i - N];
        const sp = S[i - N];
        const thrPrev = p.threshold + q.strength * A[i - N];
        vPrev = q.resetKind === 'hard' ? (sp ? p.vReset : hp) : q.resetKind === 'soft' ? hp - thrPrev * sp : hp;
      }
      gDecay += dH * vPrev;
      carryV = p.decay * dH;
      carryA = q.rho * carryA + q.strength * dThr;
    }
  }
  return { decay: gDecay, threshold: gThr };
}

export class NeuronLayer implements Layer {
  readonly type = 'neuron';
  private readonly features: number;
  private readonly spiking: boolean;
  private readonly adaptive: boolean;
  /** PLIF: leak k = sigmoid(w) (Fang et al., ICCV 2021, eq. 7), so k stays in (0, 1). */
  private readonly leakParam: Param | null;
  private readonly thresholdParam: Param | null;
  private readonly synapseA: number | null;
  private readonly synapsePasses: number;
  private cache: { x: Float32Array; H: Float32Array; S: Float32Array; A: Float32Array | null; T: number; N: number } | null = null;
  /** S of the last forward, counted on the first activity() call (the count is a full pass). */
  private lastSpikes: Float32Array | null = null;
  private lastActivity: LayerActivity | null = null;
  private lastH: Float32Array | null = null;
  /**
   * Buffers reused across forwards of the same size: allocating (and first touching) tens of MB
   * per step costs more than the fused kernels themselves. Outputs are therefore valid until this
   * layer's next forward, which is all the network and BPTT need (Caffe's blob ownership).
   */
  private readonly pool = new BufferPool();

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    readonly spec: NeuronSpec,
  ) {
    this.features = inputShape.reduce((a, b) => a * b, 1);
    this.spiking = spec.model !== 'integrator';
    this.adaptive = spec.model === 'alif' || (this.spiking && spec.reset === 'none');
    if (this.adaptive && (spec.refractory ?? 0) > 0)
      throw new NeuronSpecError(`${name}: refractory periods are not supported with ${spec.model === 'alif' ? 'alif' : "reset 'none'"}`);
    if (spec.model === 'plif') {
      const k0 = spec.form === 'tau' ? 1 / (spec.tau ?? NEURON_DEFAULTS.tau) : (spec.beta ?? NEURON_DEFAULTS.beta);
      const kc = Math.min(Math.max(k0, 1e-4), 1 - 1e-4);
      this.leakParam = { name: `${name}.leak`, shape: [1], value: Float32Array.of(Math.log(kc / (1 - kc))), grad: new Float32Array(1), decay: false };
    } else this.leakParam = null;
    this.thresholdParam = spec.learnThreshold && this.spiking
      ? { name: `${name}.threshold`, shape: [1], value: Float32Array.of(spec.threshold ?? NEURON_DEFAULTS.threshold), grad: new Float32Array(1), decay: false }
      : null;
    const syn = spec.synapse;
    if (syn && syn.kind !== 'instant') {
      this.synapseA = synapseDecay(syn.tauSyn);
      this.synapsePasses = syn.kind === 'alpha' ? 2 : 1;
    } else {
      this.synapseA = null;
      this.synapsePasses = 0;
    }
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  /** The kernel parameters with the current learnt values. */
  kernelParams(): NeuronKernelParams {
    const learnt: { leak?: number; threshold?: number } = {};
    if (this.leakParam) learnt.leak = sigmoid(this.leakParam.value[0]);
    if (this.thresholdParam) learnt.threshold = this.thresholdParam.value[0];
    return neuronKernelParams(this.adaptive ? { ...this.spec, reset: 'hard' } : this.spec, learnt);
  }

  private adaptiveParams(): AdaptiveParams {
    return {
      base: this.kernelParams(),
      resetKind: this.spec.reset ?? 'hard',
      rho: this.spec.model === 'alif' ? (this.spec.adaptDecay ?? NEURON_DEFAULTS.adaptDecay) : 0,
      strength: this.spec.model === 'alif' ? (this.spec.adaptStrength ?? NEURON_DEFAULTS.adaptStrength) : 0,
    };
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const T = x.shape[0];
    const N = x.data.length / T;
    if (N !== x.shape[1] * this.features) throw new RangeError(`${this.name}: input shape [${x.shape.join(', ')}] does not match ${this.features} features`);
    let xin: Float32Array = x.data;
    for (let k = 0; k < this.synapsePasses; k++) xin = filterForward(xin, T, N, this.synapseA as number, this.pool.get(ctx, `syn${k}`, xin.length));
    const size = xin.length;
    const S = this.pool.get(ctx, 'S', size);
    const H = this.pool.get(ctx, 'H', size);
    let A: Float32Array | null = null;
    let out: Float32Array;
    if (this.adaptive) {
      A = this.pool.get(ctx, 'A', size);
      adaptiveForward(this.adaptiveParams(), T, N, xin, S, H, A);
      out = S;
    } else if (this.spiking) {
      ctx.kernels.neuronForward(this.kernelParams(), T, N, xin, S, H, null);
      out = S;
    } else {
      out = this.pool.get(ctx, 'V', size);
      ctx.kernels.neuronForward(this.kernelParams(), T, N, xin, S, H, out);
    }
    this.lastSpikes = this.spiking ? S : null;
    this.lastH = this.spiking ? H : out;
    this.lastActivity = null;
    this.cache = ctx.training ? { x: xin, H, S, A, T, N } : null;
    return { data: out, shape: [...x.shape] };
  }

  backward(gradOut: Tensor, ctx: ForwardContext): Tensor {
    const c = this.cache;
    if (!c) throw new Error(`${this.name}: backward called without a training forward`);
    // Every path reads gradOut[i] before it writes gradX[i] (the kernels allow gradX = gradS/gradV).
    const gradX = ctx.consumeGradients === true ? gradOut.data : this.pool.get(ctx, 'gradX', c.x.length);
    let grads: { decay: number; threshold: number };
    const p = this.kernelParams();
    if (this.adaptive) grads = adaptiveBackward(this.adaptiveParams(), c.T, c.N, c.H, c.S, c.A as Float32Array, gradOut.data, gradX);
    else if (this.spiking) grads = ctx.kernels.neuronBackward(p, c.T, c.N, c.H, c.S, gradOut.data, null, gradX);
    else grads = ctx.kernels.neuronBackward(p, c.T, c.N, c.H, c.S, null, gradOut.data, gradX);
    if (this.thresholdParam) this.thresholdParam.grad[0] += grads.threshold;
    if (this.leakParam) {
      const k = sigmoid(this.leakParam.value[0]);
      let dk: number;
      if (this.spec.form === 'tau') {
        // decay = 1 - k, inputScale = k, bias = k vReset; gradX = k dH.
        let s = 0;
        for (let i = 0; i < gradX.length; i++) s += gradX[i] * (c.x[i] + p.vReset);
        dk = -grads.decay + s / k;
      } else dk = grads.decay;
      this.leakParam.grad[0] += dk * k * (1 - k);
    }
    let g: Float32Array = gradX;
    for (let k = 0; k < this.synapsePasses; k++) g = filterBackward(g, c.T, c.N, this.synapseA as number, this.pool.get(ctx, `synGrad${k}`, g.length));
    return { data: g, shape: [...gradOut.shape] };
  }

  /**
   * The membrane of the last forward as [T, B·features]: the charge H[t] before the spike test and
   * reset (so a spike shows as H crossing the threshold), and the integrator's output potential.
   * Valid until this layer's next forward (pooled buffer); the monitor copies one sample out.
   */
  lastMembrane(): Float32Array | null {
    return this.lastH;
  }

  params(): Param[] {
    const ps: Param[] = [];
    if (this.leakParam) ps.push(this.leakParam);
    if (this.thresholdParam) ps.push(this.thresholdParam);
    return ps;
  }
  activity(): LayerActivity | null {
    const S = this.lastSpikes;
    if (S === null) return null;
    if (this.lastActivity === null) {
      let spikes = 0;
      for (let i = 0; i < S.length; i++) spikes += S[i];
      this.lastActivity = { spikes, neuronSteps: S.length };
    }
    return this.lastActivity;
  }
  buffers(): Param[] {
    return [];
  }
}
