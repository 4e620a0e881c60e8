/**
 * Thumbnail loads for the sample grid, at most MAX_IN_FLIGHT at a time: 64 visible samples would
 * otherwise queue 64 parses in the lab at once and delay the playback request behind them.
 */
import type { DataSampleRef, FramePreview } from '../../../../core/api/contractData';
import { useApi } from '../../api';

const MAX_IN_FLIGHT = 4;
/** Thumbnails are at most this many pixels wide; larger sensors are downsampled in the lab. */
const THUMB_PIXELS = 64;
let inFlight = 0;
const waiting: Array<() => void> = [];

export async function loadThumbnail(s: DataSampleRef, sensorWidth: number): Promise<FramePreview> {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => waiting.push(r));
  inFlight++;
  try {
    const factor = sensorWidth > THUMB_PIXELS ? THUMB_PIXELS / sensorWidth : 1;
    return await useApi().previewFrames(s.path, {
      transforms: factor < 1 ? [{ kind: 'downsample', spatialFactor: factor }] : [],
      slicing: { by: 'frames', frames: 1 },
      sample: s.sample,
      maxFrames: 1,
    });
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}
