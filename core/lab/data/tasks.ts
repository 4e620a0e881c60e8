/**
 * Task functions of the data domain, run in worker threads by core/lab/tasks.ts (and called directly
 * by the service for inputs small enough not to block it).
 */
import type { FramePreview, FramePreviewRequest } from '../../api/contractData';
import { readEventFileSync } from '../../data/events/detect';
import { streamEventFile } from '../../data/events/stream';
import { EventBuilder, summarizeEvents, type EventFormat, type EventRecording, type EventStream } from '../../data/events/types';
import { framePreview } from './eventWindow';

export interface ReadEventsArgs {
  path: string;
}

/**
 * A whole recording through the streaming readers: memory holds the events and one read chunk, never
 * the file's bytes as well (a 2 GB EVT 2.0 file would otherwise need both).
 */
export async function readEvents(args: ReadEventsArgs): Promise<EventRecording> {
  let out: EventBuilder | undefined;
  let width = 0, height = 0;
  let format: EventFormat = 'atis-bin';
  let camera: string | undefined;
  for await (const part of streamEventFile(args.path)) {
    out ??= new EventBuilder(part.t.length);
    ({ width, height, format, camera } = part);
    out.reserve(part.t.length);
    out.x.set(part.x, out.n);
    out.y.set(part.y, out.n);
    out.p.set(part.p, out.n);
    out.t.set(part.t, out.n);
    out.n += part.t.length;
  }
  const n = out?.n ?? 0;
  // Exact-length copies: posting a view would clone its whole (doubled) buffer.
  const b = out ?? new EventBuilder(0);
  return { x: b.x.slice(0, n), y: b.y.slice(0, n), p: b.p.slice(0, n), t: b.t.slice(0, n), width, height, format, camera };
}

export interface SummarizeArgs {
  files: string[];
}

export interface FilesSummary {
  events: number;
  width: number;
  height: number;
  longestUs: number;
  first: { firstTimestampUs: number; lastTimestampUs: number; format: EventFormat; camera: string | null } | null;
  polarityCounts: { on: number; off: number };
}

/** Event totals over a folder's first samples (the inspect view's numbers). */
export function summarizeFiles(args: SummarizeArgs): FilesSummary {
  const s: FilesSummary = { events: 0, width: 0, height: 0, longestUs: 0, first: null, polarityCounts: { on: 0, off: 0 } };
  for (const f of args.files) {
    const rec = readEventFileSync(f);
    const one = summarizeEvents(rec);
    s.events += one.events;
    s.width = Math.max(s.width, one.width);
    s.height = Math.max(s.height, one.height);
    s.longestUs = Math.max(s.longestUs, one.durationUs);
    s.polarityCounts.on += one.polarityCounts.on;
    s.polarityCounts.off += one.polarityCounts.off;
    s.first ??= { firstTimestampUs: one.firstTimestampUs, lastTimestampUs: one.lastTimestampUs, format: rec.format, camera: rec.camera ?? null };
  }
  return s;
}

export interface PreviewArgs {
  events: EventStream;
  path: string;
  request: FramePreviewRequest;
}

export function previewFrames(args: PreviewArgs): FramePreview {
  return framePreview(args.events, args.path, args.request);
}
