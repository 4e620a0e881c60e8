/**
 * Optimisers over the Param list of a network, learning-rate schedules and global-norm clipping.
 * State (moments, step count) round-trips through safetensors so a run resumes bit-for-bit.
 */
import type { Param } from '../core/snn/layers/layer';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedTensor } from '../core/snn/safetensors';

export type OptimizerKind = 'sgd' | 'adam' | 'adamw';

export interface OptimizerConfig {
  kind: OptimizerKind;
  lr: number;
  /** sgd */
  momentum?: number;
  nesterov?: boolean;
  /** adam/adamw */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 (sgd, adam: added to the gradient) or decoupled (adamw) weight decay; Params with decay=false are exempt. */
  weightDecay?: number;
}

export class OptimizerStateError extends Error {
  readonly code = 'OPTIMIZER_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerStateError';
  }
}

export class Optimizer {
  lr: number;
  private t = 0;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();

  constructor(
    private readonly params: readonly Param[],
    readonly config: OptimizerConfig,
  ) {
    this.lr = config.lr;
    for (const p of params) {
      this.m.set(p.name, new Float32Array(p.value.length));
      if (config.kind !== 'sgd') this.v.set(p.name, new Float32Array(p.value.length));
    }
  }

  get steps(): number {
    return this.t;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** One update with the current lr. */
  step(): void {
    this.t++;
    const c = this.config;
    const wd = c.weightDecay ?? 0;
    const lr = this.lr;
    if (c.kind === 'sgd') {
      const mu = c.momentum ?? 0;
      for (const p of this.params) {
        const buf = this.m.get(p.name) as Float32Array;
        const w = p.value;
        const g = p.grad;
        const d = p.decay ? wd : 0;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i] + d * w[i];
          if (mu === 0) {
            w[i] -= lr * gi;
            continue;
          }
          // PyTorch SGD: b = mu b + g; Nesterov (Sutskever et al., ICML 2013) steps along g + mu b.
          const b = (buf[i] = mu * buf[i] + gi);
          w[i] -= lr * (c.nesterov ? gi + mu * b : b);
        }
      }
      return;
    }
    // Adam (Kingma & Ba, ICLR 2015, Algorithm 1); AdamW decouples the decay from the moments
    // (Loshchilov & Hutter, ICLR 2019, Algorithm 2, line 12).
    const b1 = c.beta1 ?? 0.9;
    const b2 = c.beta2 ?? 0.999;
    const eps = c.eps ?? 1e-8;
    const bc1 = 1 - Math.pow(b1, this.t);
    const bc2 = 1 - Math.pow(b2, this.t);
    const decoupled = c.kind === 'adamw';
    for (const p of this.params) {
      const m = this.m.get(p.name) as Float32Array;
      const v = this.v.get(p.name) as Float32Array;
      const w = p.value;
      const g = p.grad;
      const d = p.decay ? wd : 0;
      // Two loops instead of per-element branches: this runs over every parameter each step.
      if (decoupled) {
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          // fround: the update reads the moments as stored (float32), like the plain formulation.
          const mi = Math.fround(b1 * m[i] + (1 - b1) * gi);
          const vi = Math.fround(b2 * v[i] + (1 - b2) * gi * gi);
          m[i] = mi;
          v[i] = vi;
          w[i] -= lr * (mi / bc1 / (Math.sqrt(vi / bc2) + eps) + d * w[i]);
        }
      } else {
        for (let i = 0; i < w.length; i++) {
          const gi = g[i] + d * w[i];
          // fround: the update reads the moments as stored (float32), like the plain formulation.
          const mi = Math.fround(b1 * m[i] + (1 - b1) * gi);
          const vi = Math.fround(b2 * v[i] + (1 - b2) * gi * gi);
          m[i] = mi;
          v[i] = vi;
          w[i] -= lr * (mi / bc1 / (Math.sqrt(vi / bc2) + eps));
        }
      }
    }
  }

  saveState(): Uint8Array {
    const tensors: NamedTensor[] = [];
    for (const p of this.params) {
      tensors.push({ name: `${p.name}.m`, shape: p.shape, data: this.m.get(p.name) as Float32Array });
      if (this.config.kind !== 'sgd') tensors.push({ name: `${p.name}.v`, shape: p.shape, data: this.v.get(p.name) as Float32Array });
    }
    return encodeSafetensors(tensors, { kind: this.config.kind, step: String(this.t), lr: String(this.lr) });
  }

  loadState(bytes: Uint8Array): void {
    let decoded;
    try {
      decoded = decodeSafetensors(bytes);
    } catch (e) {
      if (e instanceof SafetensorsError) throw new OptimizerStateError(`optimizer state: ${e.message}`);
      throw e;
    }
    const { tensors, metadata } = decoded;
    if (metadata.kind !== this.config.kind) throw new OptimizerStateError(`optimizer state is for "${metadata.kind}", this optimizer is "${this.config.kind}"`);
    const step = Number(metadata.step);
    if (!Number.isInteger(step) || step < 0) throw new OptimizerStateError(`optimizer state has an invalid step "${metadata.step}"`);
    for (const p of this.params) {
      for (const [suffix, map] of [['m', this.m], ['v', this.v]] as const) {
        if (suffix === 'v' && this.config.kind === 'sgd') continue;
        const t = tensors.get(`${p.name}.${suffix}`);
        if (!t) throw new OptimizerStateError(`optimizer state lacks "${p.name}.${suffix}"`);
        if (t.data.length !== p.value.length) throw new OptimizerStateError(`optimizer state "${p.name}.${suffix}" has ${t.data.length} values, parameter has ${p.value.length}`);
        (map.get(p.name) as Float32Array).set(t.data);
      }
    }
    this.t = step;
    const lr = Number(metadata.lr);
    if (Number.isFinite(lr)) this.lr = lr;
  }
}

/** Scales all gradients so their global L2 norm is at most maxNorm (Pascanu et al., ICML 2013). Returns the norm before clipping. */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  let sq = 0;
  for (const p of params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i] * p.grad[i];
  const norm = Math.sqrt(sq);
  if (norm > maxNorm && norm > 0) {
    const s = maxNorm / norm;
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= s;
  }
  return norm;
}

export type Schedule =
  | { kind: 'constant' }
  /** lr · gamma^floor(step / every) */
  | { kind: 'step'; every: number; gamma: number }
  /** Cosine annealing to minLr over totalSteps (Loshchilov & Hutter, ICLR 2017, SGDR eq. 5, one cycle). */
  | { kind: 'cosine'; totalSteps: number; minLr?: number };

export function scheduledLr(base: number, schedule: Schedule, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(schedule.gamma, Math.floor(step / schedule.every));
    case 'cosine': {
      const min = schedule.minLr ?? 0;
      const f = Math.min(step, schedule.totalSteps) / schedule.totalSteps;
      return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * f));
    }
  }
}
