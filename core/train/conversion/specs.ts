/**
 * The two model specs of ANN-to-SNN conversion. The ANN counterpart of an SNN replaces every
 * spiking neuron layer by a ReLU of the same name and reads the last synaptic layer's output as
 * logits; the converted SNN replaces each ReLU by an IF neuron with reset by subtraction (Rueckauer
 * et al., Front. Neurosci. 2017, eq. 2-3: it keeps the residual charge above threshold, so the rate
 * approximates the ReLU without the loss of reset-to-zero) and adds a non-spiking integrator whose
 * membrane after T steps is the accumulated output current (Rueckauer 2017, Sec. 2.3.1, output).
 * Synaptic layers keep their names, so parameters carry over by name in both directions.
 */
import type { EncoderSpec, LayerSpec, ModelSpec, NeuronSpec } from '../../snn/spec';
import { MethodError } from '../methodKit';

/** The ANN counterpart: relu for spiking neurons, no output activation, one step of direct input. */
export function annSpecFromSnn(spec: ModelSpec): ModelSpec {
  const layers: LayerSpec[] = [];
  for (const l of spec.layers) {
    if (l.type === 'residual') throw new MethodError('METHOD_MODEL', 'conversion does not support residual blocks yet');
    if (l.type === 'neuron') {
      if (l.neuron.model === 'integrator') continue;
      layers.push(l.name !== undefined ? { type: 'relu', name: l.name } : { type: 'relu' });
    } else if (l.type === 'maxpool') {
      // Max over spike trains is not the max of rates (Rueckauer 2017, Sec. 2.2.6), so the ANN pools by average.
      layers.push({ type: 'avgpool', size: l.size, ...(l.stride !== undefined ? { stride: l.stride } : {}), ...(l.name !== undefined ? { name: l.name } : {}) });
    } else if (l.type === 'batchnorm' || l.type === 'tdbn' || l.type === 'delay') {
      throw new MethodError('METHOD_MODEL', `conversion cannot map layer type "${l.type}"; fold batch norm into the weights before converting`);
    } else layers.push(l);
  }
  while (layers.length && layers[layers.length - 1].type === 'relu') layers.pop();
  return { ...spec, name: `${spec.name}-ann`, timesteps: 1, encoder: { type: 'direct' }, layers, decoder: { type: 'rate' } };
}

export interface SnnFromAnnOptions {
  /** One threshold per ReLU, in order. */
  thresholds: readonly number[];
  timesteps: number;
  encoder: EncoderSpec;
  /** 'if' (default) or 'lif' with this beta; LIF loses charge and so accuracy, kept for comparison. */
  neuron: { model: 'if' } | { model: 'lif'; beta: number };
}

/** The converted SNN: ReLU -> IF (reset by subtraction), integrator readout, membrane decoder. */
export function snnSpecFromAnn(ann: ModelSpec, o: SnnFromAnnOptions): ModelSpec {
  const relus = ann.layers.filter((l) => l.type === 'relu').length;
  if (o.thresholds.length !== relus) throw new MethodError('METHOD_MODEL', `expected ${relus} thresholds (one per relu), got ${o.thresholds.length}`);
  let k = 0;
  const names = new Set(ann.layers.map((l) => l.name).filter((n): n is string => n !== undefined));
  const layers: LayerSpec[] = ann.layers.map((l) => {
    if (l.type !== 'relu') return l;
    const neuron: NeuronSpec = o.neuron.model === 'if' ? { model: 'if', reset: 'soft', threshold: o.thresholds[k++] } : { model: 'lif', beta: o.neuron.beta, reset: 'soft', threshold: o.thresholds[k++] };
    return l.name !== undefined ? { type: 'neuron', name: l.name, neuron } : { type: 'neuron', neuron };
  });
  let readout = 'readout';
  while (names.has(readout)) readout = `${readout}_`;
  layers.push({ type: 'neuron', name: readout, neuron: { model: 'integrator' } });
  return { ...ann, name: `${ann.name.replace(/-ann$/, '')}-snn`, timesteps: o.timesteps, encoder: o.encoder, layers, decoder: { type: 'membrane', reduce: 'last' } };
}
