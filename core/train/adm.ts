/**
 * ADM, the approximate derivative method of Lee, Sarwar, Panda, Srinivasan & Roy, "Enabling
 * Spike-Based Backpropagation for Training Deep Neural Network Architectures" (Front. Neurosci.
 * 14:119, 2020), method "adm".
 *
 * Spiking hidden layers (IF or LIF); the output layer only integrates, and its membrane at the last
 * step, divided by T, is the network output (Sec. 2.3.1): o = V^L(T) / T = FI^L / T. Loss: softmax
 * cross-entropy on o (eq. 10-11), dL/do = softmax(o) - Y.
 * Errors go back once per sample through spike-rate quantities (Sec. 2.3.2-2.3.3): with the total
 * input current net_j = FI_j and the total spikes a_j = FO_j of a neuron, the IF rate function is
 * a = net / V_th, so da/dnet = 1 / V_th for a neuron that receives net positive input, 0 otherwise
 * (eq. 17-18). For LIF, leak removes part of the input before the threshold is reached; Lee et al.
 * correct the IF derivative by the leak (eq. 20-23); here that correction is measured per neuron as
 * the fraction of the input charge that became spikes, gamma_j = V_th a_j / net_j (<= 1), giving
 * da/dnet = gamma_j / V_th (gamma = 1 for a silent neuron with positive input, so it can recover).
 * Weight gradients: dL/dw_ij = delta_j * a_i with a_i the presynaptic spike count (eq. 24-26).
 * The rate function a = clip(net / V_th, 0, T) is flat below zero input and at one spike per
 * step, so the derivative is 0 for neurons with net <= 0 or a = T. Unlike ASF's layer-shared ratio,
 * the derivative is per neuron.
 */
import { createFlowTrainer, type FlowDeps, type FlowModel } from './asf';
import { argmax, type OptionTable, type OptionValues, type StepOutcome } from './methodKit';
import type { TrainMethod } from './types';

export const ADM_OPTIONS = {
  leakCorrection: { rule: { kind: 'bool', default: true }, doc: 'LIF: scale the derivative by the measured fraction of input charge that became spikes.' },
} satisfies OptionTable;

export function admStep(m: FlowModel, x: Float32Array, y: ArrayLike<number>, B: number, o: OptionValues<typeof ADM_OPTIONS>): StepOutcome {
  const f = m.forward(x, B);
  const out = f.fi[f.fi.length - 1];
  const O = out.length / B;
  const dFI = new Float32Array(out.length);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < B; b++) {
    const base = b * O;
    let mx = -Infinity;
    for (let c = 0; c < O; c++) mx = Math.max(mx, out[base + c] / f.T);
    let z = 0;
    for (let c = 0; c < O; c++) z += Math.exp(out[base + c] / f.T - mx);
    loss += Math.log(z) + mx - out[base + y[b]] / f.T;
    // d/dFI = d/do * 1/T, batch mean.
    for (let c = 0; c < O; c++) dFI[base + c] = (Math.exp(out[base + c] / f.T - mx) / z - (c === y[b] ? 1 : 0)) / (f.T * B);
    if (argmax(out, base, O) === y[b]) correct++;
  }
  m.backward(f, dFI, (n, dFO) => {
    const fi = f.fi[n];
    const fo = f.fo[n + 1];
    const vth = m.threshold(n, f);
    const leaky = o.leakCorrection && f.neurons[n].spec.model !== 'if';
    const d = new Float32Array(dFO.length);
    for (let i = 0; i < d.length; i++) {
      // The rate function saturates at one spike per step: no gradient there, nor below zero input.
      if (fi[i] <= 0 || fo[i] >= f.T) continue;
      const gamma = leaky && fo[i] > 0 ? Math.min(1, (vth * fo[i]) / fi[i]) : 1;
      d[i] = (dFO[i] * gamma) / vth;
    }
    return d;
  });
  return { loss: loss / B, correct, firingRates: f.firingRates };
}

export function createAdmTrainer(deps: FlowDeps = {}): TrainMethod {
  return createFlowTrainer('adm', ADM_OPTIONS, admStep, deps);
}

export const trainAdm: TrainMethod = createAdmTrainer();
