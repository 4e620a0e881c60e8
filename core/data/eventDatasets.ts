/**
 * Event dataset layouts on disk, recognised from the folder structure:
 * - N-MNIST: <root>/Train|Test/<digit>/*.bin (Orchard et al. 2015 release)
 * - DVS128 Gesture: <root>/user*_<lighting>.aedat with user*_<lighting>_labels.csv beside each
 *   (samples are time slices of a recording); trials_to_train.txt / trials_to_test.txt give the split
 * - labelled flat folder: event files + a CSV with `file` and `label` columns (optional `split`),
 *   e.g. INDEX.csv of the SLAYER NMNISTsmall sample set
 * - class folders: <root>/<class>/*.<event ext> (CIFAR10-DVS, N-Caltech101, anything generic)
 * Scanning only lists files; events are read per sample (bounded memory).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readEventFile, isEventFileName } from './events/detect';
import { parseGestureLabels } from './events/aedat3';
import { lowerBound, sliceEvents, type EventRecording, type EventStream } from './events/types';
import { DatasetError } from './idx';

export type EventLayout = 'nmnist' | 'dvs-gesture' | 'csv' | 'class-folders';

export interface EventSample {
  file: string;
  label: number;
  split?: 'train' | 'test';
  /** Time slice of the recording (DVS128 Gesture), [startUs, endUs). */
  startUs?: number;
  endUs?: number;
}

export interface EventDatasetIndex {
  root: string;
  layout: EventLayout;
  classes: string[];
  samples: EventSample[];
  /** Sensor size to assume for headerless files (N-MNIST: 34x34). */
  sensor?: { width: number; height: number };
}

export interface ScanOptions {
  /** A `file,label[,split]` CSV; relative file names resolve against the CSV's folder. */
  labels?: string;
}

function listDirs(dir: string): string[] {
  return readdirSync(dir).filter((e) => statSync(join(dir, e)).isDirectory()).sort();
}

/** Minimal CSV (no quoted commas: dataset index files do not use them). */
function readCsv(file: string): { header: string[]; rows: string[][] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DatasetError(file, `cannot read labels CSV (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new DatasetError(file, 'empty CSV (expected a header row with "file" and "label")');
  const header = lines[0].split(',').map((s) => s.trim().toLowerCase());
  return { header, rows: lines.slice(1).map((l) => l.split(',').map((s) => s.trim())) };
}

function scanCsv(csvFile: string): EventDatasetIndex {
  const { header, rows } = readCsv(csvFile);
  const fi = header.indexOf('file');
  const li = header.indexOf('label');
  const si = header.indexOf('split');
  if (fi < 0 || li < 0) throw new DatasetError(csvFile, `header must name "file" and "label" columns, found ${header.join(',')}`);
  const base = dirname(csvFile);
  const labelNames = new Set<string>();
  rows.forEach((r) => labelNames.add(r[li]));
  // Numeric labels keep their value (digit 7 is class 7); text labels are numbered by sorted name.
  const numeric = [...labelNames].every((l) => /^\d+$/.test(l));
  const names = numeric ? [] : [...labelNames].sort();
  const samples: EventSample[] = rows.map((r, i) => {
    if (r.length <= Math.max(fi, li) || !r[fi]) throw new DatasetError(csvFile, `row ${i + 2} has no file or label: ${JSON.stringify(r.join(','))}`);
    const split = si >= 0 ? r[si] : undefined;
    return {
      file: resolve(base, r[fi]),
      label: numeric ? Number(r[li]) : names.indexOf(r[li]),
      split: split === 'train' || split === 'test' ? split : undefined,
    };
  });
  const classes = numeric ? Array.from({ length: Math.max(-1, ...samples.map((s) => s.label)) + 1 }, (_, i) => String(i)) : names;
  return { root: base, layout: 'csv', classes, samples };
}

function findCsvIndex(root: string): string | undefined {
  for (const f of readdirSync(root).sort()) {
    if (!f.toLowerCase().endsWith('.csv')) continue;
    const first = readFileSync(join(root, f), 'utf8').split(/\r?\n/, 1)[0].toLowerCase().split(',').map((s) => s.trim());
    if (first.includes('file') && first.includes('label')) return join(root, f);
  }
  return undefined;
}

export function scanEventDataset(root: string, opts: ScanOptions = {}): EventDatasetIndex {
  if (opts.labels) return scanCsv(resolve(opts.labels));
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DatasetError(root, 'not a folder');
  const dirs = listDirs(root);
  const lower = dirs.map((d) => d.toLowerCase());
  // N-MNIST: Train/ and/or Test/ holding digit folders.
  const splitDirs = dirs.filter((_, i) => lower[i] === 'train' || lower[i] === 'test');
  if (splitDirs.length > 0 && splitDirs.every((d) => listDirs(join(root, d)).every((c) => /^\d$/.test(c)))) {
    const samples: EventSample[] = [];
    for (const d of splitDirs) {
      for (const c of listDirs(join(root, d))) {
        for (const f of readdirSync(join(root, d, c)).sort()) {
          if (isEventFileName(f)) samples.push({ file: join(root, d, c, f), label: Number(c), split: d.toLowerCase() as 'train' | 'test' });
        }
      }
    }
    return { root, layout: 'nmnist', classes: Array.from({ length: 10 }, (_, i) => String(i)), samples, sensor: { width: 34, height: 34 } };
  }
  const files = readdirSync(root).sort();
  const gesture = files.filter((f) => /^user\d+_.+\.aedat$/i.test(f) && files.includes(f.replace(/\.aedat$/i, '_labels.csv')));
  if (gesture.length > 0) return scanGesture(root, gesture, files);
  const csv = findCsvIndex(root);
  if (csv) return scanCsv(csv);
  const classDirs = dirs.filter((d) => readdirSync(join(root, d)).some(isEventFileName));
  if (classDirs.length > 0) {
    const samples: EventSample[] = [];
    classDirs.forEach((c, label) => {
      for (const f of readdirSync(join(root, c)).sort()) if (isEventFileName(f)) samples.push({ file: join(root, c, f), label });
    });
    return { root, layout: 'class-folders', classes: classDirs, samples };
  }
  throw new DatasetError(root, 'no known event dataset layout (N-MNIST Train/Test/<digit>, user*_*.aedat + _labels.csv, a file,label CSV, or <class>/ folders of event files)');
}

function scanGesture(root: string, recordings: string[], files: string[]): EventDatasetIndex {
  const trialList = (name: string) => {
    const f = files.find((x) => x.toLowerCase() === name);
    return f ? new Set(readFileSync(join(root, f), 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean)) : undefined;
  };
  const train = trialList('trials_to_train.txt');
  const test = trialList('trials_to_test.txt');
  const samples: EventSample[] = [];
  for (const r of recordings) {
    const labelsFile = join(root, r.replace(/\.aedat$/i, '_labels.csv'));
    const labels = parseGestureLabels(readFileSync(labelsFile, 'utf8'), labelsFile);
    const split = train?.has(r) ? 'train' : test?.has(r) ? 'test' : undefined;
    for (const l of labels) samples.push({ file: join(root, r), label: l.label - 1, split, startUs: l.startUs, endUs: l.endUs });
  }
  const classes = ['hand_clapping', 'right_hand_wave', 'left_hand_wave', 'right_arm_clockwise', 'right_arm_counter_clockwise', 'left_arm_clockwise', 'left_arm_counter_clockwise', 'arm_roll', 'air_drums', 'air_guitar', 'other_gestures'];
  return { root, layout: 'dvs-gesture', classes, samples };
}

/** Per-class sample counts (for the data view and `data inspect`). */
export function classCounts(index: EventDatasetIndex): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of index.classes) out[c] = 0;
  for (const s of index.samples) {
    const name = index.classes[s.label] ?? String(s.label);
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/**
 * Reads samples' events. Gesture samples share one recording; the last recording read is kept so
 * consecutive samples of a file (the scan order) parse it once.
 */
export class EventSampleReader {
  private lastFile = '';
  private last: EventRecording | undefined;
  constructor(private readonly index: EventDatasetIndex) {}

  async read(sample: EventSample): Promise<EventStream> {
    let rec: EventRecording;
    if (sample.file === this.lastFile && this.last) rec = this.last;
    else {
      rec = await readEventFile(sample.file, { atis: this.index.sensor });
      this.lastFile = sample.file;
      this.last = rec;
    }
    if (sample.startUs === undefined || sample.endUs === undefined) return rec;
    return sliceEvents(rec, lowerBound(rec.t, sample.startUs), lowerBound(rec.t, sample.endUs));
  }
}


