/**
 * `spikelab data inspect <file-or-folder> [--labels CSV] [--json]` and
 * `spikelab data frames <file> --frames N --out x.png [--scale K]`: what the data view shows, headless.
 */
import { statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  framesToPng,
  inspectEventPath,
  readEventFile,
  scanEventDataset,
  toFrames,
  type FileInspection,
  type FolderInspection,
} from '../../core/data/index';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';

export async function dataCommand(argv: readonly string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'inspect') return inspectCommand(rest, io, cwd);
  if (sub === 'frames') return framesCommand(rest, io, cwd);
  throw new UsageError(sub ? `data: unknown subcommand ${JSON.stringify(sub)} (expected: inspect, frames)` : 'data: expected a subcommand (inspect, frames)');
}

/** One file's label from a `file,label` CSV (given, or found beside the file), or its N-MNIST digit folder. */
export function labelOf(file: string, labels: string | undefined): number | undefined {
  const find = (root: string, csv?: string): number | undefined => {
    try {
      const idx = scanEventDataset(root, csv ? { labels: csv } : {});
      return idx.samples.find((s) => s.file === file && s.startUs === undefined)?.label;
    } catch {
      // No recognisable dataset around the file: it simply has no label.
      return undefined;
    }
  };
  if (labels) return find(dirname(file), labels);
  return find(dirname(file)) ?? find(dirname(dirname(dirname(file))));
}

async function inspectCommand(argv: readonly string[], io: CliIo, cwd: string): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { json: 'boolean', labels: 'string' } as const, 'data inspect');
  if (positionals.length !== 1) throw new UsageError(`data inspect: expected one file or folder, got ${positionals.length} arguments`);
  const path = resolve(cwd, positionals[0]);
  const labels = flags.labels === undefined ? undefined : resolve(cwd, flags.labels);
  const isDir = statSync(path).isDirectory();
  // For a single file with --labels, inspect the file and take only its label from the CSV.
  const r = await inspectEventPath(path, isDir && labels ? { labels } : {});
  if (r.kind === 'file') {
    const label = labelOf(path, labels);
    const out: Omit<FileInspection, 'kind'> = { ...withoutKind(r), ...(label === undefined ? {} : { label }) };
    io.stdout.write(flags.json ? `${JSON.stringify(out)}\n` : formatFile(out));
  } else {
    io.stdout.write(flags.json ? `${JSON.stringify(withoutKind(r))}\n` : formatFolder(r));
  }
  return 0;
}

function withoutKind<T extends { kind: string }>(r: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = r;
  return rest;
}

function formatFile(r: Omit<FileInspection, 'kind'>): string {
  const rows: Array<[string, string]> = [
    ['file', r.file],
    ['format', r.camera ? `${r.format} (${r.camera})` : r.format],
    ['resolution', `${r.width}x${r.height}`],
    ['events', String(r.events)],
    ['duration', `${(r.durationUs / 1e6).toFixed(6)} s (${r.firstTimestampUs} .. ${r.lastTimestampUs} us)`],
    ['polarity', `on ${r.polarityCounts.on}, off ${r.polarityCounts.off}`],
  ];
  if (r.label !== undefined) rows.push(['label', String(r.label)]);
  return rows.map(([k, v]) => `${k.padEnd(11)}${v}\n`).join('');
}

function formatFolder(r: FolderInspection): string {
  const lines = [`root       ${r.root}`, `layout     ${r.layout}`, `samples    ${r.samples} (train ${r.splits.train}, test ${r.splits.test}, unassigned ${r.splits.unassigned})`, 'classes'];
  for (const [name, n] of Object.entries(r.classes)) lines.push(`  ${name.padEnd(12)} ${n}`);
  return `${lines.join('\n')}\n`;
}

async function framesCommand(argv: readonly string[], io: CliIo, cwd: string): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { frames: 'int', out: 'string', scale: 'int', json: 'boolean' } as const, 'data frames');
  if (positionals.length !== 1) throw new UsageError(`data frames: expected one event file, got ${positionals.length} arguments`);
  if (flags.frames === undefined || flags.frames <= 0) throw new UsageError('data frames: --frames N (a positive integer) is required');
  if (flags.out === undefined) throw new UsageError('data frames: --out FILE.png is required');
  if (flags.scale !== undefined && (flags.scale < 1 || flags.scale > 32)) throw new UsageError('data frames: --scale must be in 1..32');
  const file = resolve(cwd, positionals[0]);
  const out = resolve(cwd, flags.out);
  const ev = await readEventFile(file);
  // n time bins, Tonic's rule: window = (t_last - t0) // n, one channel per polarity.
  const frames = toFrames(ev, { timeBins: flags.frames, polarities: 2 });
  const png = framesToPng(frames, { scale: flags.scale ?? (ev.width <= 64 ? 4 : 1) });
  writeFileSync(out, png);
  const [T, P, H, W] = frames.shape;
  const summary = { file, out, frames: T, polarities: P, width: W, height: H, events: ev.t.length, bytes: png.length };
  io.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `wrote ${basename(out)}: ${T} frames of ${W}x${H} from ${ev.t.length} events\n`);
  return 0;
}
