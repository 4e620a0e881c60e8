/**
 * Compiles a validated ModelSpec into a Network. Names and value kinds (binary spikes or analog)
 * come from shape inference in specValidate.ts, so the builder and the validator cannot disagree;
 * a dense/conv layer fed binary spikes gets the event-driven kernels.
 */
import { createDecoder } from './decoders';
import { createEncoder } from './encoders';
import type { Kernels } from './kernels/types';
import { createLayer } from './layers/index';
import type { Layer } from './layers/layer';
import { Network, ResidualBlock } from './network';
import { Rng } from './rng';
import type { LayerSpec, ModelSpec } from './spec';
import { inferShapes, resolveLayerName, type LayerShapeInfo } from './specValidate';

export interface BuildOptions {
  kernels: Kernels;
  /** Seeds weight init; the runtime RNG (encoder, dropout) is derived from it. */
  seed: number;
}

export function buildNetwork(spec: ModelSpec, opts: BuildOptions): Network {
  const report = inferShapes(spec);
  const infoByName = new Map<string, LayerShapeInfo>(report.layers.map((l) => [l.name, l]));
  const initRng = new Rng(opts.seed);
  let first = true;
  const buildList = (specs: readonly LayerSpec[], prefix: string): Layer[] =>
    specs.map((s, i) => {
      const name = resolveLayerName(s.type, s.name, i, prefix);
      const info = infoByName.get(name);
      if (!info) throw new Error(`shape inference has no entry for layer "${name}"`);
      const isFirst = first;
      first = false;
      if (s.type === 'residual') {
        return new ResidualBlock(name, buildList(s.layers, name), s.shortcut ? buildList(s.shortcut, `${name}.shortcut`) : []);
      }
      return createLayer(s, info.inputShape, name, initRng, { binaryInput: info.inputKind === 'binary', inputGrad: !isFirst });
    });
  const layers = buildList(spec.layers, '');
  const encoder = createEncoder(spec.encoder, spec.input);
  const decoder = createDecoder(spec.decoder);
  // A distinct stream for runtime noise so changing the architecture's init does not shift it.
  return new Network(spec, layers, encoder, decoder, opts.kernels, (opts.seed ^ 0x5bd1e995) >>> 0);
}
