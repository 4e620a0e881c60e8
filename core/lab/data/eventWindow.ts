/**
 * The pure computations behind the data view's playback and preview, run on the service thread for
 * small recordings and inside a task worker (tasks.ts) for large ones.
 */
import type { EventWindow, FramePreview, FramePreviewRequest } from '../../api/contractData';
import { lowerBound, type EventStream } from '../../data/events/types';
import { applyPipeline, type EventTransformSpec } from '../../data/transforms/pipeline';
import { slicePlan, toFrames, type FrameSlicing } from '../../data/transforms/toFrame';

/** Values a preview may send back (frames x 2 x H x W): about 16 MB of JSON. */
export const PREVIEW_MAX_VALUES = 4_000_000;

/**
 * Events with start <= t - t0 < start + duration (t0 = the first event), as plain arrays with times
 * relative to t0. Past `maxEvents`, every (total / maxEvents)-th event is kept: an even thinning
 * preserves the window's spatial and temporal density, where keeping the first N would cut it short.
 */
export function eventWindow(ev: EventStream, path: string, startUs: number, durationUs: number, maxEvents: number): EventWindow {
  const n = ev.t.length;
  const t0 = n ? ev.t[0] : 0;
  const a = lowerBound(ev.t, t0 + startUs);
  const b = lowerBound(ev.t, t0 + startUs + durationUs);
  const total = b - a;
  const keep = Math.min(total, maxEvents);
  const x = new Array<number>(keep), y = new Array<number>(keep), t = new Array<number>(keep), p = new Array<number>(keep);
  for (let i = 0; i < keep; i++) {
    const j = keep === total ? a + i : a + Math.floor((i * total) / keep);
    x[i] = ev.x[j];
    y[i] = ev.y[j];
    t[i] = ev.t[j] - t0;
    p[i] = ev.p[j];
  }
  return {
    path,
    width: ev.width,
    height: ev.height,
    recordingDurationUs: n ? ev.t[n - 1] - t0 : 0,
    startUs,
    durationUs,
    x,
    y,
    t,
    p,
    totalInWindow: total,
    truncated: keep < total,
  };
}

export function frameSlicing(s: FramePreviewRequest['slicing']): FrameSlicing {
  if (s.by === 'time') return { timeWindow: s.windowUs, overlap: s.overlapUs ?? 0 };
  if (s.by === 'count') return { eventCount: s.events, overlap: s.overlap ?? 0 };
  return { timeBins: s.frames, overlap: s.overlap ?? 0 };
}

/** The transform pipeline, then Tonic-rule frames (2 polarity channels), cut to maxFrames. */
export function framePreview(ev: EventStream, path: string, req: FramePreviewRequest): FramePreview {
  const out = applyPipeline(ev, req.transforms as unknown as EventTransformSpec[], req.seed ?? 0);
  const slicing = frameSlicing(req.slicing);
  const total = slicePlan(out, slicing).count;
  // Only the frames sent back are accumulated: a 1 ms window over a minute would otherwise allocate 60000.
  const per = 2 * out.height * out.width;
  const keep = Math.max(1, Math.min(total, req.maxFrames, Math.floor(PREVIEW_MAX_VALUES / per)));
  const frames = toFrames(out, { ...slicing, polarities: 2 }, keep);
  const [n, channels, height, width] = frames.shape;
  return {
    path,
    frames: n,
    channels,
    height,
    width,
    data: Array.from(frames.data),
    framesTotal: total,
    eventsAfter: out.t.length,
    eventsBefore: ev.t.length,
  };
}
