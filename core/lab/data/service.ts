/**
 * Data domain of the lab service: inspect files and folders, event windows for playback, frame
 * previews. Recordings are parsed once and kept in a small cache (eventCache.ts) so scrubbing does
 * not re-read; files above SMALL_FILE_BYTES, folder scans and previews of large recordings run in a
 * task worker so the service thread stays responsive.
 */
import { existsSync, statSync, type Stats } from 'node:fs';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../api/contract';
import type { DataApi, DataInspection, EventWindow, EventWindowRequest, FramePreview, FramePreviewRequest } from '../../api/contractData';
import { parseGestureLabels, type GestureLabel } from '../../data/events/aedat3';
import { readEventFile } from '../../data/events/detect';
import { lowerBound, sliceEvents, summarizeEvents, type EventRecording, type EventStream } from '../../data/events/types';
import { DatasetError } from '../../data/idx';
import { TransformError } from '../../data/transforms/toFrame';
import type { LabContext } from '../context';
import { runTask } from '../tasks';
import { EventCache } from './eventCache';
import { eventWindow, framePreview } from './eventWindow';
import { validatePreviewRequest, validateWindowRequest } from './requests';
import { GRID_SAMPLES, type InspectFolderArgs, type PreviewArgs, type ReadEventsArgs } from './tasks';

/** Parsed on the service thread at or below this size (an N-MNIST sample is 20 KB, parsed in ~50 us). */
export const SMALL_FILE_BYTES = 2 << 20;
/** Previews of recordings with more events than this run in a worker (transforms are O(events)). */
const SMALL_PREVIEW_EVENTS = 300_000;

function statPath(path: string): Stats {
  try {
    return statSync(path);
  } catch {
    throw new ApiError('NOT_FOUND', `no such file or folder: ${path}`);
  }
}

/** Reader and layout errors become DATASET_INVALID (their message names the file, byte offset and what was expected). */
function asApiError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof DatasetError) return new ApiError('DATASET_INVALID', err.message);
  if (err instanceof TransformError) return new ApiError('BAD_REQUEST', err.message);
  return err;
}

/** DVS128 Gesture recordings carry `<name>_labels.csv` beside them: one sample per row. */
function gestureLabels(path: string): GestureLabel[] | null {
  if (!/\.aedat$/i.test(path)) return null;
  const csv = path.replace(/\.aedat$/i, '_labels.csv');
  if (!existsSync(csv)) return null;
  return parseGestureLabels(readFileSync(csv, 'utf8'), csv);
}

export class DataService implements DataApi {
  private readonly cache = new EventCache();
  // The data domain reads paths the caller names; it needs nothing from the workspace or run store.
  constructor(_ctx: LabContext) {}

  async inspectData(path: string, labels: string | null): Promise<DataInspection> {
    try {
      const st = statPath(path);
      if (labels !== null) statPath(labels);
      return st.isDirectory() || labels !== null ? await this.inspectFolder(path, labels) : await this.inspectFile(path, st);
    } catch (err) {
      throw asApiError(err);
    }
  }

  async readEventWindow(path: string, request: EventWindowRequest): Promise<EventWindow> {
    const req = validateWindowRequest(request);
    try {
      const ev = await this.sampleEvents(path, req.sample);
      return eventWindow(ev, path, req.startUs, req.durationUs, req.maxEvents);
    } catch (err) {
      throw asApiError(err);
    }
  }

  async previewFrames(path: string, request: FramePreviewRequest): Promise<FramePreview> {
    const req = validatePreviewRequest(request);
    try {
      const ev = await this.sampleEvents(path, req.sample);
      if (ev.t.length <= SMALL_PREVIEW_EVENTS) return framePreview(ev, path, req);
      // Structured clone copies the arrays (13 bytes an event): far cheaper than re-parsing in the worker.
      const events: EventStream = { x: ev.x, y: ev.y, p: ev.p, t: ev.t, width: ev.width, height: ev.height };
      return await runTask<FramePreview>('data', 'previewFrames', { events, path, request: req } satisfies PreviewArgs);
    } catch (err) {
      throw asApiError(err);
    }
  }

  /** How many recordings are cached (for tests of the cache's bound). */
  get cachedRecordings(): number {
    return this.cache.size;
  }

  private async inspectFile(path: string, st: Stats): Promise<DataInspection> {
    const rec = await this.recording(path, st);
    const s = summarizeEvents(rec);
    const slices = gestureLabels(path);
    return {
      kind: 'file',
      path,
      format: rec.format,
      camera: rec.camera ?? null,
      width: s.width,
      height: s.height,
      events: s.events,
      durationUs: s.durationUs,
      firstTimestampUs: s.firstTimestampUs,
      lastTimestampUs: s.lastTimestampUs,
      polarityCounts: s.polarityCounts,
      label: null,
      classes: slices ? countLabels(slices.map((l) => String(l.label))) : [],
      samples: slices ? slices.length : 1,
      sampleList: slices ? slices.slice(0, GRID_SAMPLES).map((l, i) => ({ path, label: String(l.label), sample: i })) : [],
      inspected: 1,
    };
  }

  /** A folder can hold 100 000 samples: scanning it is unbounded work, so it never runs on this thread. */
  private async inspectFolder(path: string, labels: string | null): Promise<DataInspection> {
    return runTask<DataInspection>('data', 'inspectFolder', { path, labels } satisfies InspectFolderArgs);
  }

  /** The recording of `path` (cached), or its labelled slice `sample`. */
  private async sampleEvents(path: string, sample: number | undefined): Promise<EventStream> {
    const st = statPath(path);
    if (st.isDirectory()) throw new ApiError('BAD_REQUEST', `${path} is a folder; pass one of its sample files (inspectData lists them)`);
    const rec = await this.recording(path, st);
    if (sample === undefined) return rec;
    const slices = gestureLabels(path);
    if (!slices) throw new ApiError('BAD_REQUEST', `${path} holds one sample (no _labels.csv beside it); leave request.sample out`);
    const l = slices[sample];
    if (!l) throw new ApiError('NOT_FOUND', `${path} has ${slices.length} labelled samples; there is no sample ${sample}`);
    return sliceEvents(rec, lowerBound(rec.t, l.startUs), lowerBound(rec.t, l.endUs));
  }

  private recording(path: string, st: Stats): Promise<EventRecording> {
    const key = EventCache.key(path, st.size, st.mtimeMs);
    return this.cache.load(key, () => (st.size <= SMALL_FILE_BYTES ? readEventFile(path) : runTask<EventRecording>('data', 'readEvents', { path } satisfies ReadEventsArgs)));
  }
}

function countLabels(labels: string[]): Array<{ label: string; count: number }> {
  const m = new Map<string, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return [...m].sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0])).map(([label, count]) => ({ label, count }));
}
