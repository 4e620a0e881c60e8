/**
 * Static images to spikes through the engine's own encoders (core/snn/encoders.ts), so a dataset
 * preview shows exactly what the network will be fed, and as an EventStream so event transforms and
 * the event player work on converted static data too.
 */
import type { Encoder } from '../../snn/encoders';
import type { Rng } from '../../snn/rng';
import { EventBuilder, type EventStream } from '../events/types';
import { TransformError } from './toFrame';

/** Bytes 0..255 to [0, 1] floats, the encoders' input range. */
export function normalizeBytes(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/**
 * Encode one grayscale image (H*W values in [0, 1]) for `timesteps` steps and list its spikes as
 * events: one ON event per spike at t = step * stepUs. Non-binary encoders (direct) are refused
 * since their output is not spikes.
 */
export function imageToEvents(pixels: Float32Array, width: number, height: number, encoder: Encoder, timesteps: number, rng: Rng, stepUs = 1000): EventStream {
  if (pixels.length !== width * height) throw new TransformError(`image has ${pixels.length} values, expected ${width}x${height}`);
  if (!encoder.binary) throw new TransformError(`encoder "${encoder.kind}" produces analog values, not spikes`);
  const spikes = encoder.encode(pixels, 1, timesteps, rng);
  const F = width * height;
  const out = new EventBuilder(1024);
  for (let t = 0; t < timesteps; t++) {
    const o = t * F;
    for (let i = 0; i < F; i++) {
      if (spikes[o + i] !== 0) out.push(i % width, Math.floor(i / width), 1, t * stepUs);
    }
  }
  return out.finish(width, height);
}
