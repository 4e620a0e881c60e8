/**
 * Float vs quantised comparison: encodes samples with the model's own encoder (so both sides see
 * the same spike trains), runs the float chain and the integer reference, and reports accuracy of
 * each, how often they predict the same class, and the output spike-count error.
 */
import type { Network } from '../snn/network';
import { Rng } from '../snn/rng';
import type { FloatLayer, QuantNetwork } from './quantise';
import { QuantReference, runFloatChain } from './referenceSim';

export interface LabelledSample {
  /** Per-sample input values in [0, 1] (the model's input shape, flattened). */
  x: Float32Array;
  label?: number;
}

export interface QuantisationReport {
  samples: number;
  /** Null when no sample had a label. */
  floatAccuracy: number | null;
  quantAccuracy: number | null;
  /** Fraction of samples where float and quantised predict the same class. */
  agreement: number;
  /** Mean over samples and output neurons of |float count - quantised count|. */
  meanAbsCountError: number;
}

/** The model's encoder applied to one sample: per tick, the input ids that spiked. */
export function encodeSample(net: Network, x: Float32Array, rng: Rng): Uint16Array[] {
  const T = net.spec.timesteps;
  const F = x.length;
  const enc = net.encoder.encode(x, 1, T, rng);
  const out: Uint16Array[] = [];
  for (let t = 0; t < T; t++) {
    const ids: number[] = [];
    for (let i = 0; i < F; i++) if (enc[t * F + i] !== 0) ids.push(i);
    out.push(Uint16Array.from(ids));
  }
  return out;
}

/** Index of the largest value; ties go to the lowest index (as the engine's decoders do). */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

export function evaluateQuantisation(net: Network, layers: readonly FloatLayer[], q: QuantNetwork, samples: readonly LabelledSample[], seed = 1): QuantisationReport {
  const rng = new Rng(seed);
  const ref = new QuantReference(q);
  const useMembrane = net.spec.decoder.type === 'membrane';
  const last = q.layers.length - 1;
  let fOk = 0;
  let qOk = 0;
  let labelled = 0;
  let agree = 0;
  let err = 0;
  for (const s of samples) {
    const spikes = encodeSample(net, s.x, rng);
    const f = runFloatChain(layers, spikes);
    const r = ref.run(spikes);
    const fScore = useMembrane ? f.membranes[last] : f.outputCounts;
    const qScore = useMembrane ? r.membranes[last] : r.outputCounts;
    const fc = argmax(fScore);
    const qc = argmax(qScore);
    if (fc === qc) agree++;
    for (let j = 0; j < f.outputCounts.length; j++) err += Math.abs(f.outputCounts[j] - r.outputCounts[j]);
    if (s.label !== undefined) {
      labelled++;
      if (fc === s.label) fOk++;
      if (qc === s.label) qOk++;
    }
  }
  const n = Math.max(1, samples.length);
  return {
    samples: samples.length,
    floatAccuracy: labelled ? fOk / labelled : null,
    quantAccuracy: labelled ? qOk / labelled : null,
    agreement: agree / n,
    meanAbsCountError: err / (n * q.layers[last].neurons),
  };
}
