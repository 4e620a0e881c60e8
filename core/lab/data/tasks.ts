/**
 * Task functions of the data domain, run in worker threads by core/lab/tasks.ts (and called directly
 * by the service for inputs small enough not to block it).
 */
import type { DataInspection, DataSampleRef, FramePreview, FramePreviewRequest } from '../../api/contractData';
import { classCounts, scanEventDataset } from '../../data/eventDatasets';
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

interface SummarizeArgs {
  files: string[];
}

interface FilesSummary {
  events: number;
  width: number;
  height: number;
  longestUs: number;
  first: { firstTimestampUs: number; lastTimestampUs: number; format: EventFormat; camera: string | null } | null;
  polarityCounts: { on: number; off: number };
}

/** Event totals over a folder's first samples (the inspect view's numbers). */
function summarizeFiles(args: SummarizeArgs): FilesSummary {
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

export interface InspectFolderArgs {
  path: string;
  /** A `file,label` CSV for a flat folder, or null to read the layout from the folder. */
  labels: string | null;
}

/** Samples shown in the grid, and read for a folder's event totals. */
export const GRID_SAMPLES = 64;

/** A dataset folder's layout, class counts, first samples and their event totals (the inspect view). */
export function inspectFolder(args: InspectFolderArgs): DataInspection {
  const { path, labels } = args;
  const idx = scanEventDataset(path, labels ? { labels } : {});
  const counts = classCounts(idx);
  const refs: DataSampleRef[] = [];
  const seen = new Map<string, number>();
  for (const s of idx.samples.slice(0, GRID_SAMPLES)) {
    const label = idx.classes[s.label] ?? String(s.label);
    if (s.startUs === undefined) refs.push({ path: s.file, label });
    else {
      // A gesture sample is a slice of its recording: its index among that file's slices.
      const k = seen.get(s.file) ?? 0;
      seen.set(s.file, k + 1);
      refs.push({ path: s.file, label, sample: k });
    }
  }
  const files = [...new Set(refs.map((r) => r.path))];
  const sum = summarizeFiles({ files });
  return {
    kind: 'folder',
    path: idx.root,
    format: idx.layout,
    camera: sum.first?.camera ?? null,
    width: sum.width,
    height: sum.height,
    events: sum.events,
    durationUs: sum.longestUs,
    firstTimestampUs: sum.first?.firstTimestampUs ?? 0,
    lastTimestampUs: sum.first?.lastTimestampUs ?? 0,
    polarityCounts: sum.polarityCounts,
    label: null,
    classes: Object.entries(counts).map(([label, count]) => ({ label, count })),
    samples: idx.samples.length,
    sampleList: refs,
    inspected: files.length,
  };
}

export interface PreviewArgs {
  events: EventStream;
  path: string;
  request: FramePreviewRequest;
}

export function previewFrames(args: PreviewArgs): FramePreview {
  return framePreview(args.events, args.path, args.request);
}
