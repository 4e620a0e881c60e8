/**
 * Losses on decoded scores [B, classes] with integer labels; each returns the batch-mean loss, its
 * exact gradient with respect to the scores, and the number of correct argmax predictions.
 */

export type LossKind = 'ce' | 'mseCount' | 'mseMembrane';

export interface LossOptions {
  /** mseCount: target spike rates of the correct and the other classes (snnTorch mse_count_loss). */
  correctRate?: number;
  incorrectRate?: number;
  /** mseCount: timesteps, to turn rates into target counts. */
  timesteps?: number;
}

export interface LossResult {
  loss: number;
  grad: Float32Array;
  correct: number;
}

export class LossError extends Error {
  readonly code = 'LOSS';
  constructor(message: string) {
    super(message);
    this.name = 'LossError';
  }
}

export function argmaxCorrect(scores: Float32Array, labels: ArrayLike<number>, B: number, C: number): number {
  let correct = 0;
  for (let b = 0; b < B; b++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (scores[b * C + c] > scores[b * C + best]) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

/**
 * Softmax cross-entropy on the scores. On spike counts this is snnTorch's `ce_count_loss`; on a
 * membrane readout, the usual CE on membrane potentials. dL/ds = (softmax(s) − onehot) / B.
 */
export function crossEntropy(scores: Float32Array, labels: ArrayLike<number>, B: number, C: number): LossResult {
  const grad = new Float32Array(B * C);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const o = b * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, scores[o + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(scores[o + c] - m);
    const y = labels[b];
    loss += Math.log(z) + m - scores[o + y];
    for (let c = 0; c < C; c++) grad[o + c] = (Math.exp(scores[o + c] - m) / z - (c === y ? 1 : 0)) / B;
  }
  return { loss: loss / B, grad, correct: argmaxCorrect(scores, labels, B, C) };
}

/**
 * MSE between spike counts and target counts T·correctRate (label) and T·incorrectRate (others),
 * averaged over batch and classes (snnTorch `mse_count_loss`).
 */
export function mseCount(scores: Float32Array, labels: ArrayLike<number>, B: number, C: number, opts: LossOptions): LossResult {
  const T = opts.timesteps;
  if (!T) throw new LossError('mseCount needs the number of timesteps to turn target rates into counts');
  const on = (opts.correctRate ?? 0.8) * T;
  const off = (opts.incorrectRate ?? 0.2) * T;
  const grad = new Float32Array(B * C);
  let loss = 0;
  const n = B * C;
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      const e = scores[b * C + c] - (c === labels[b] ? on : off);
      loss += e * e;
      grad[b * C + c] = (2 * e) / n;
    }
  return { loss: loss / n, grad, correct: argmaxCorrect(scores, labels, B, C) };
}

/**
 * MSE on the membrane readout normalised per sample by its largest magnitude, against a one-hot
 * target: u = m / max|m|, L = mean (u − onehot)². This is the form ASF-style conversion/training
 * uses so the loss does not depend on the membrane's scale. The max element is treated as a
 * variable too (exact quotient-rule gradient).
 */
export function mseMembrane(scores: Float32Array, labels: ArrayLike<number>, B: number, C: number): LossResult {
  const grad = new Float32Array(B * C);
  let loss = 0;
  const n = B * C;
  for (let b = 0; b < B; b++) {
    const o = b * C;
    let k = 0;
    for (let c = 1; c < C; c++) if (Math.abs(scores[o + c]) > Math.abs(scores[o + k])) k = c;
    const mk = scores[o + k];
    const a = Math.abs(mk);
    if (a === 0) {
      // All zero: u = 0, the loss is 1/C per sample and no direction is preferred.
      loss += 1;
      continue;
    }
    const sign = mk > 0 ? 1 : -1;
    let dA = 0;
    for (let c = 0; c < C; c++) {
      const u = scores[o + c] / a;
      const e = u - (c === labels[b] ? 1 : 0);
      loss += e * e;
      const gu = (2 * e) / n;
      grad[o + c] += gu / a;
      dA -= (gu * scores[o + c]) / (a * a);
    }
    grad[o + k] += dA * sign;
  }
  return { loss: loss / n, grad, correct: argmaxCorrect(scores, labels, B, C) };
}

export function computeLoss(kind: LossKind, scores: Float32Array, labels: ArrayLike<number>, B: number, C: number, opts: LossOptions = {}): LossResult {
  switch (kind) {
    case 'ce':
      return crossEntropy(scores, labels, B, C);
    case 'mseCount':
      return mseCount(scores, labels, B, C, opts);
    case 'mseMembrane':
      return mseMembrane(scores, labels, B, C);
  }
}
