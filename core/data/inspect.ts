/**
 * What `spikelab data inspect` and the data view show about a file or a dataset folder, computed
 * here so the CLI and the lab service print the same thing.
 */
import { statSync } from 'node:fs';
import { readEventFile } from './events/detect';
import { summarizeEvents, type EventFormat } from './events/types';
import { classCounts, scanEventDataset, type EventLayout, type ScanOptions } from './eventDatasets';

export interface FileInspection {
  kind: 'file';
  file: string;
  format: EventFormat;
  camera?: string;
  width: number;
  height: number;
  events: number;
  durationUs: number;
  firstTimestampUs: number;
  lastTimestampUs: number;
  polarityCounts: { on: number; off: number };
  label?: number;
}

export interface FolderInspection {
  kind: 'folder';
  root: string;
  layout: EventLayout;
  samples: number;
  classes: Record<string, number>;
  splits: { train: number; test: number; unassigned: number };
}

export async function inspectEventPath(path: string, opts: ScanOptions = {}): Promise<FileInspection | FolderInspection> {
  if (statSync(path).isDirectory() || opts.labels) {
    const idx = scanEventDataset(path, opts);
    const splits = { train: 0, test: 0, unassigned: 0 };
    for (const s of idx.samples) splits[s.split ?? 'unassigned']++;
    return { kind: 'folder', root: idx.root, layout: idx.layout, samples: idx.samples.length, classes: classCounts(idx), splits };
  }
  const ev = await readEventFile(path);
  const s = summarizeEvents(ev);
  return {
    kind: 'file',
    file: path,
    format: ev.format,
    camera: ev.camera,
    width: s.width,
    height: s.height,
    events: s.events,
    durationUs: s.durationUs,
    firstTimestampUs: s.firstTimestampUs,
    lastTimestampUs: s.lastTimestampUs,
    polarityCounts: s.polarityCounts,
  };
}
