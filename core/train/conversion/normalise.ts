/**
 * Weight normalisation and threshold balancing for ANN-to-SNN conversion.
 *
 * An IF neuron with threshold 1 and reset by subtraction fires at rate r = clip(z, 0, 1) for a
 * constant input current z per step (Rueckauer et al., Front. Neurosci. 2017, eq. 5-6). The ANN's
 * ReLU activations a_l are unbounded, so each layer is rescaled by a factor lambda_l that bounds
 * its activations:
 *   W_l <- W_l * lambda_{l-1} / lambda_l,   b_l <- b_l / lambda_l,   lambda_0 = 1 (inputs in [0, 1])
 * (Diehl et al., IJCNN 2015, Algorithm 1 and 2; Rueckauer 2017, eq. 8 for the bias).
 *  - model-based (Diehl 2015): lambda_l = max_j (sum_i max(0, w_ij) lambda_{l-1} + max(0, b_j)),
 *    the largest input a neuron can ever receive; safe but pessimistic (slow rates).
 *  - data-based max (Diehl 2015): lambda_l = max activation of layer l over a calibration set.
 *  - data-based percentile (Rueckauer 2017, Sec. 2.3.2): lambda_l = p-th percentile (default 99.9)
 *    of the non-zero activations, which ignores rare outliers and raises rates.
 * Threshold balancing (Sengupta et al., Front. Neurosci. 2019, Algorithm 1, "Spike-Norm") instead
 * keeps the weights and sets each layer's threshold, layer by layer, to the largest input current
 * its neurons receive in the SNN itself (earlier layers already balanced), which accounts for the
 * actual spike statistics rather than the ANN's.
 */
import type { Dataset } from '../bptt';
import { gatherBatch } from '../bptt';
import type { Layer } from '../../snn/layers/layer';
import { NeuronLayer } from '../../snn/layers/neuron';
import type { Network } from '../../snn/network';
import { biasOf, ctxOf, MethodError, runLayers, splitSegments, weightOf, type Segment } from '../methodKit';

/** p-th percentile (0 < p <= 100) of the positive values; 0 when there are none. Nearest-rank on a sorted copy. */
export function percentileOfPositive(values: Float32Array, p: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > 0) n++;
  if (n === 0) return 0;
  const pos = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > 0) pos[k++] = values[i];
  if (p >= 100) {
    let m = 0;
    for (let i = 0; i < n; i++) if (pos[i] > m) m = pos[i];
    return m;
  }
  pos.sort();
  const idx = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return pos[idx];
}

function hiddenSegments(net: Network): Segment[] {
  const segs = splitSegments(net);
  const hidden = segs.filter((s) => s.activation !== null && !(s.activation instanceof NeuronLayer && s.activation.spec.model === 'integrator'));
  for (const s of hidden) if (!s.weighted) throw new MethodError('METHOD_MODEL', `activation "${s.activation?.name}" has no weighted layer before it`);
  return hidden;
}

/** Per-ReLU activation statistics of the ANN over `count` calibration samples (stored order). */
export function dataLambdas(ann: Network, calib: Dataset, count: number, percentile: number, batch = 100): number[] {
  const segs = hiddenSegments(ann);
  const n = Math.min(count, calib.count);
  const per = segs.map(() => [] as Float32Array[]);
  const ctx = ctxOf(ann, false);
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const { x } = gatherBatch(calib, null, s, e);
    let h = { data: x, shape: [1, e - s, ...ann.spec.input] };
    let k = 0;
    for (const l of ann.layers) {
      h = l.forward(h, ctx);
      if (k < segs.length && l === segs[k].activation) per[k++].push(h.data);
    }
  }
  return per.map((chunks) => {
    const len = chunks.reduce((a, c) => a + c.length, 0);
    const all = new Float32Array(len);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    const lam = percentileOfPositive(all, percentile);
    // A dead layer (no positive activation) keeps its scale; dividing by 0 would destroy it.
    return lam > 0 ? lam : 1;
  });
}

/** Diehl's model-based bound: the largest input each layer can receive given inputs in [0, 1]. */
export function modelLambdas(ann: Network): number[] {
  const segs = hiddenSegments(ann);
  let bound = 1;
  return segs.map((s) => {
    const l = s.weighted as Layer;
    const w = weightOf(l);
    const b = biasOf(l);
    const units = l.type === 'dense' ? w.shape[1] : w.shape[0];
    const fanIn = w.value.length / units;
    let lam = 0;
    for (let j = 0; j < units; j++) {
      let sum = 0;
      for (let i = 0; i < fanIn; i++) {
        // dense weight is [in, units]; conv weight is [filters, c, kh, kw].
        const v = l.type === 'dense' ? w.value[i * units + j] : w.value[j * fanIn + i];
        if (v > 0) sum += v;
      }
      lam = Math.max(lam, sum * bound + (b && b.value[j] > 0 ? b.value[j] : 0));
    }
    bound = lam > 0 ? lam : 1;
    return bound;
  });
}

/**
 * W_l *= lambda_{l-1} / lambda_l, b_l /= lambda_l for hidden segments; the output layer gets
 * W *= lambda_{L-1} (its own scale does not change the argmax).
 */
export function applyLambdas(net: Network, lambdas: readonly number[]): void {
  const segs = splitSegments(net).filter((s) => s.weighted);
  const hidden = hiddenSegments(net);
  if (lambdas.length !== hidden.length) throw new MethodError('METHOD_MODEL', `expected ${hidden.length} scale factors, got ${lambdas.length}`);
  let prev = 1;
  segs.forEach((s, i) => {
    const lam = i < lambdas.length ? lambdas[i] : 1;
    const l = s.weighted as Layer;
    const w = weightOf(l).value;
    const f = prev / lam;
    for (let k = 0; k < w.length; k++) w[k] *= f;
    const b = biasOf(l);
    if (b) for (let k = 0; k < b.value.length; k++) b.value[k] /= lam;
    prev = lam;
  });
}

/**
 * Sengupta 2019 threshold balancing. `build(thresholds)` returns an SNN (weights loaded) with the
 * given per-layer thresholds; the SNN runs on `count` calibration samples for its spec's timesteps
 * and, layer by layer, threshold_l = p-th percentile (100 = max, as in the paper) of the input
 * currents its neurons receive over all steps.
 */
export function balanceThresholds(build: (thresholds: number[]) => Network, layersCount: number, calib: Dataset, count: number, percentile: number, batch = 50): number[] {
  const th = new Array<number>(layersCount).fill(1);
  const n = Math.min(count, calib.count);
  for (let k = 0; k < layersCount; k++) {
    const net = build(th);
    const segs = hiddenSegments(net);
    const T = net.spec.timesteps;
    const ctx = ctxOf(net, false);
    const chunks: Float32Array[] = [];
    for (let s = 0; s < n; s += batch) {
      const e = Math.min(n, s + batch);
      const { x } = gatherBatch(calib, null, s, e);
      let h = { data: net.encoder.encode(x, e - s, T, net.rng), shape: [T, e - s, ...net.spec.input] };
      for (let j = 0; j < k; j++) h = runLayers([...segs[j].synapses, segs[j].activation as Layer], h, ctx);
      chunks.push(runLayers(segs[k].synapses, h, ctx).data);
    }
    const all = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    const v = percentileOfPositive(all, percentile);
    th[k] = v > 0 ? v : 1;
  }
  return th;
}
