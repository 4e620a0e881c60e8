/**
 * Contract, data domain: what the data view needs from the readers (core/data) — inspect a file or a
 * dataset folder, read a window of events for playback, and preview a transform's frames. Paths are
 * absolute paths on the machine that runs the lab service.
 */

export interface ClassCount {
  label: string;
  count: number;
}

export interface DataSampleRef {
  /** Absolute path of the event file. */
  path: string;
  label: string | null;
  /** Slice index within the file (DVS128 Gesture recordings hold several labelled samples). */
  sample?: number;
}

export interface DataInspection {
  kind: 'file' | 'folder';
  path: string;
  /** Reader format id, e.g. `nmnist-bin`, `aedat2`, `aedat4`, `evt3`; for a folder, the layout. */
  format: string;
  width: number;
  height: number;
  /** Sensor named by the header where there is one (e.g. "DVS128"). */
  camera: string | null;
  /** File: its events; folder: total over the samples inspected (`inspected`, the first of `sampleList`). */
  events: number;
  /** File: last minus first timestamp; folder: the longest inspected sample. */
  durationUs: number;
  firstTimestampUs: number;
  lastTimestampUs: number;
  polarityCounts: { on: number; off: number };
  label: string | null;
  /** Folder: per-class sample counts. */
  classes: ClassCount[];
  /** Folder: total samples; file: samples it holds (1, or several for sliced recordings). */
  samples: number;
  /** Folder: the first samples (up to 64), for the sample grid; file with labelled slices: those slices. */
  sampleList: DataSampleRef[];
  /** Folder: how many samples' events were read for the event totals (the rest are only counted). */
  inspected: number;
}

export interface EventWindowRequest {
  /** For a multi-sample file (a recording with a `_labels.csv` beside it), the slice index; folders pass the sample's file path as `path`. */
  sample?: number;
  /** Window start relative to the recording's first event (µs). */
  startUs: number;
  /** Window length (µs). */
  durationUs: number;
  /** Cap; events past it are dropped evenly (decimated) and `truncated` is set. */
  maxEvents: number;
}

/** Structure of arrays, times relative to the recording's first event (µs). */
export interface EventWindow {
  path: string;
  width: number;
  height: number;
  recordingDurationUs: number;
  startUs: number;
  durationUs: number;
  x: number[];
  y: number[];
  t: number[];
  p: number[];
  /** Events in the window before decimation. */
  totalInWindow: number;
  truncated: boolean;
}

/** A transform step as the data view composes it (mirrors core/data/transforms/pipeline EventTransformSpec). */
export type DataTransformStep = { kind: string } & Record<string, unknown>;

export interface FramePreviewRequest {
  transforms: DataTransformStep[];
  /** Frame slicing for the preview. */
  slicing: { by: 'time'; windowUs: number; overlapUs?: number } | { by: 'count'; events: number; overlap?: number } | { by: 'frames'; frames: number; overlap?: number };
  sample?: number;
  /** At most this many frames come back. */
  maxFrames: number;
  seed?: number;
}

export interface FramePreview {
  path: string;
  frames: number;
  channels: number;
  height: number;
  width: number;
  /** frames x channels x height x width, row-major, event counts; channel 0 OFF, 1 ON. */
  data: number[];
  /** Frames the slicing produced; at most `maxFrames` (and at most 4 M values in all) come back. */
  framesTotal: number;
  /** Events left after the transforms, and before. */
  eventsAfter: number;
  eventsBefore: number;
}

export interface DataApi {
  /** A file (format detected from its header) or a dataset folder (layout detected); labels CSV optional. */
  inspectData(path: string, labels: string | null): Promise<DataInspection>;
  readEventWindow(path: string, request: EventWindowRequest): Promise<EventWindow>;
  previewFrames(path: string, request: FramePreviewRequest): Promise<FramePreview>;
}

export const DATA_CHANNELS = {
  inspectData: 'data:inspect',
  readEventWindow: 'data:events',
  previewFrames: 'data:frames',
} as const satisfies Record<keyof DataApi, string>;
