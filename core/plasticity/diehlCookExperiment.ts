/**
 * The Diehl & Cook (2015) protocol end to end: unsupervised training over the training images,
 * a labelling pass with plasticity off (each neuron takes the class it answers most), then test
 * accuracy by the mean-response vote. Shared by the lab's TrainMethod and bench/rules.ts.
 */
import { assignLabels, DiehlCookNetwork, predictLabel, type DiehlCookParams } from './diehlCook';
import { PlasticityError } from './errors';

export interface ImageSet {
  /** count * features bytes, 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  features: number;
}

/** Responses of the (frozen) network to every image of a set: [count, nExc] spike counts. */
export function respond(net: DiehlCookNetwork, set: ImageSet, limit = set.count): Uint16Array {
  const N = net.p.nExc;
  const n = Math.min(limit, set.count);
  const out = new Uint16Array(n * N);
  for (let s = 0; s < n; s++) {
    out.set(net.present(set.images.subarray(s * set.features, (s + 1) * set.features), false), s * N);
  }
  return out;
}

/** Labels neurons from their responses to `labelSet`, then returns the accuracy on `testSet`. */
export function evaluateDiehlCook(net: DiehlCookNetwork, labelSet: ImageSet, testSet: ImageSet): { accuracy: number; assignments: Int32Array } {
  if (labelSet.count === 0 || testSet.count === 0) throw new PlasticityError('NO_DATA', 'Diehl & Cook evaluation needs a non-empty labelling set and test set');
  const N = net.p.nExc;
  const assignments = assignLabels(respond(net, labelSet), labelSet.labels, labelSet.count, N);
  const test = respond(net, testSet);
  let correct = 0;
  for (let s = 0; s < testSet.count; s++) {
    if (predictLabel(test.subarray(s * N, (s + 1) * N), assignments) === testSet.labels[s]) correct++;
  }
  return { accuracy: correct / testSet.count, assignments };
}

export interface DiehlCookRunOptions {
  params?: Partial<DiehlCookParams>;
  epochs: number;
  seed: number;
  /** Labelling uses the first this-many training images (default: all). */
  labelCount?: number;
  /** Called after every training presentation. */
  onSample?: (epoch: number, index: number) => void;
}

export interface DiehlCookRunResult {
  accuracy: number;
  trainSeconds: number;
  evalSeconds: number;
  net: DiehlCookNetwork;
}

/** Trains for `epochs` passes over `train` (in stored order, as the authors do), then evaluates. */
export function runDiehlCook(train: ImageSet, test: ImageSet, opts: DiehlCookRunOptions): DiehlCookRunResult {
  const net = new DiehlCookNetwork({ ...opts.params, nInput: train.features }, opts.seed);
  const t0 = performance.now();
  for (let e = 0; e < opts.epochs; e++) {
    for (let s = 0; s < train.count; s++) {
      net.present(train.images.subarray(s * train.features, (s + 1) * train.features), true);
      opts.onSample?.(e, s);
    }
  }
  const t1 = performance.now();
  const labelCount = Math.min(opts.labelCount ?? train.count, train.count);
  const labelSet: ImageSet = { ...train, count: labelCount, images: train.images.subarray(0, labelCount * train.features), labels: train.labels.subarray(0, labelCount) };
  const { accuracy } = evaluateDiehlCook(net, labelSet, test);
  return { accuracy, trainSeconds: (t1 - t0) / 1000, evalSeconds: (performance.now() - t1) / 1000, net };
}
