import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import type { Network } from '../../../core/snn/network';
import { Rng } from '../../../core/snn/rng';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type LayerSpec, type ModelSpec, type NeuronSpec } from '../../../core/snn/spec';

export function mlpSpec(sizes: number[], neuron: NeuronSpec = { model: 'lif', beta: 0.875, threshold: 1 }, timesteps = 16): ModelSpec {
  const layers: LayerSpec[] = [];
  for (const n of sizes.slice(1)) layers.push({ type: 'dense', units: n, bias: true }, { type: 'neuron', neuron });
  return { format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name: 'mlp', input: [sizes[0]], timesteps, encoder: { type: 'poisson' }, layers, decoder: { type: 'spikeCount' } };
}

/** A network with weights scaled up so layers actually fire on sparse Poisson input. */
export function makeNetwork(spec: ModelSpec, seed = 1, gain = 3): Network {
  const net = buildNetwork(spec, { kernels: referenceKernels, seed });
  for (const p of net.params()) if (p.name.endsWith('.weight')) for (let i = 0; i < p.value.length; i++) p.value[i] *= gain;
  return net;
}

/** Poisson spike trains: per tick the ids of the inputs that fired (rate in [0, maxRate]). */
export function poissonInput(inputs: number, ticks: number, seed: number, maxRate = 0.3): Uint16Array[] {
  const rng = new Rng(seed);
  const rates = Float32Array.from({ length: inputs }, () => rng.next() * maxRate);
  const out: Uint16Array[] = [];
  for (let t = 0; t < ticks; t++) {
    const ids: number[] = [];
    for (let i = 0; i < inputs; i++) if (rng.next() < rates[i]) ids.push(i);
    out.push(Uint16Array.from(ids));
  }
  return out;
}
