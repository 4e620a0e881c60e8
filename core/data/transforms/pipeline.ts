/**
 * Composable transforms described as data. A pipeline is a JSON-able list of steps, so the same
 * value configures the UI preview, the loaders, and keys the sample cache (change a step, the key
 * changes). Random steps take their seed from the pipeline run (per sample), never from a global.
 */
import { Rng } from '../../snn/rng';
import type { EventStream } from '../events/types';
import { centerCrop, crop, denoise, dropEvents, refractory } from './filters';
import { downsample, flip, timeJitter } from './geometry';
import { TransformError } from './toFrame';

export type EventTransformSpec =
  | { kind: 'denoise'; filterTimeUs: number }
  | { kind: 'refractory'; periodUs: number }
  | { kind: 'drop'; probability: number }
  | { kind: 'crop'; x0: number; y0: number; width: number; height: number }
  | { kind: 'centerCrop'; width: number; height: number }
  | { kind: 'flip'; lr?: boolean; ud?: boolean; polarity?: boolean }
  | { kind: 'downsample'; spatialFactor?: number; timeFactor?: number }
  | { kind: 'timeJitter'; stdUs: number };

export type EventTransform = (ev: EventStream, rng: Rng) => EventStream;

export function makeTransform(spec: EventTransformSpec): EventTransform {
  switch (spec.kind) {
    case 'denoise':
      return (ev) => denoise(ev, spec.filterTimeUs);
    case 'refractory':
      return (ev) => refractory(ev, spec.periodUs);
    case 'drop':
      return (ev, rng) => dropEvents(ev, spec.probability, rng);
    case 'crop':
      return (ev) => crop(ev, spec);
    case 'centerCrop':
      return (ev) => centerCrop(ev, spec.width, spec.height);
    case 'flip':
      return (ev) => flip(ev, spec);
    case 'downsample':
      return (ev) => downsample(ev, spec);
    case 'timeJitter':
      return (ev, rng) => timeJitter(ev, spec.stdUs, rng);
    default:
      throw new TransformError(`unknown transform kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
}

/** Apply steps left to right. */
export function compose(...steps: EventTransform[]): EventTransform {
  return (ev, rng) => steps.reduce((acc, f) => f(acc, rng), ev);
}

export function buildPipeline(specs: readonly EventTransformSpec[]): EventTransform {
  return compose(...specs.map(makeTransform));
}

/** True when a pipeline draws random numbers (its output then depends on the seed, e.g. for caching). */
export function isRandomPipeline(specs: readonly EventTransformSpec[]): boolean {
  return specs.some((s) => s.kind === 'drop' || s.kind === 'timeJitter');
}

/** Run a pipeline with its own seeded generator. */
export function applyPipeline(ev: EventStream, specs: readonly EventTransformSpec[], seed = 0): EventStream {
  return buildPipeline(specs)(ev, new Rng(seed));
}
