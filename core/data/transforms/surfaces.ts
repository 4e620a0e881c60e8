/**
 * Dense, time-aware representations: time surfaces and voxel grids.
 */
import type { EventStream } from '../events/types';
import { sliceIndices, TransformError } from './toFrame';

export interface FloatFrames {
  data: Float32Array;
  shape: number[];
}

/**
 * Time surfaces (Lagorce et al. 2017, HOTS, eq. 3; Tonic `ToTimesurface`): the recording is cut into
 * windows of `dtUs` with the time-window slicing rule of `toFrames`; at the end of window i each pixel
 * and polarity holds exp(-(t_end - t_last) / tau), t_last its latest event so far (0 if none yet).
 * Output [windows, 2, height, width].
 */
export function timeSurfaces(ev: EventStream, opts: { dtUs: number; tauUs: number; decay?: 'exp' | 'linear' }): FloatFrames {
  const { dtUs, tauUs } = opts;
  if (!(tauUs > 0)) throw new TransformError(`time surface tau must be > 0, got ${tauUs}`);
  const slices = sliceIndices(ev, { timeWindow: dtUs });
  const W = ev.width, H = ev.height, plane = W * H;
  const last = new Float64Array(2 * plane).fill(-Infinity);
  const data = new Float32Array(slices.length * 2 * plane);
  const t0 = ev.t.length ? ev.t[0] : 0;
  const linear = opts.decay === 'linear';
  for (let s = 0; s < slices.length; s++) {
    const [a, b] = slices[s];
    for (let i = a; i < b; i++) last[ev.p[i] * plane + ev.y[i] * W + ev.x[i]] = ev.t[i];
    const tEnd = t0 + s * dtUs + dtUs;
    const base = s * 2 * plane;
    for (let k = 0; k < 2 * plane; k++) {
      const age = tEnd - last[k];
      if (age === Infinity) continue;
      data[base + k] = linear ? Math.max(0, 1 - age / (3 * tauUs)) : Math.exp(-age / tauUs);
    }
  }
  return { data, shape: [slices.length, 2, H, W] };
}

/**
 * Voxel grid (Zhu et al. 2019, "Unsupervised event-based learning of optical flow...", eq. 1; Tonic
 * `ToVoxelGrid`): timestamps are scaled to [0, bins - 1]; each event adds its polarity (+1 ON,
 * -1 OFF) to the two nearest bins with weights max(0, 1 - |bin - t*|). Output [bins, height, width].
 */
export function voxelGrid(ev: EventStream, bins: number): FloatFrames {
  if (!(Number.isInteger(bins) && bins > 0)) throw new TransformError(`voxel grid bins must be a positive integer, got ${bins}`);
  const W = ev.width, H = ev.height, plane = W * H;
  const data = new Float32Array(bins * plane);
  const n = ev.t.length;
  if (n === 0) return { data, shape: [bins, H, W] };
  const t0 = ev.t[0];
  const span = ev.t[n - 1] - t0;
  const scale = span > 0 ? (bins - 1) / span : 0;
  for (let i = 0; i < n; i++) {
    const ts = (ev.t[i] - t0) * scale;
    const lo = Math.floor(ts);
    const frac = ts - lo;
    const v = ev.p[i] ? 1 : -1;
    const k = ev.y[i] * W + ev.x[i];
    data[lo * plane + k] += v * (1 - frac);
    if (lo + 1 < bins) data[(lo + 1) * plane + k] += v * frac;
  }
  return { data, shape: [bins, H, W] };
}
