/**
 * Data benchmark (issue "Datasets"): events parsed per second for every event format on the real
 * sample files in ../shared/data, N-MNIST over all 1000 sample files including per-file overhead
 * (open, read, parse), and to-frame throughput. Each figure is the best of repeated runs within a
 * time budget (SPIKELAB_BENCH_SECONDS, default 1 s per measurement), single-threaded.
 *
 *   npx tsx bench/data.ts [--json]
 *   spikelab bench data [--json]
 *
 * Reference (issue text, Tonic with numpy 1.24 on this machine kind): N-MNIST 38 M ev/s with
 * per-file overhead, AEDAT 2 DVS128 about 55 M ev/s, to-frame about 12 M ev/s. The targets are to
 * match Tonic where it has a figure; the table printed at the end puts both beside each row.
 * Streamed rows feed the AEDAT 4 and EVT 3.0 chunk decoders 64 KiB at a time (what
 * streamEventFile does for files larger than its first read), to show the cost of streaming.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Aedat4Decoder, readAedat4Start } from '../core/data/events/aedat4';
import { parseEventBytes, readEventFileSync } from '../core/data/events/detect';
import { Evt3Decoder, readEvt3Start } from '../core/data/events/evt3';
import type { ChunkDecoder } from '../core/data/events/types';
import type { EventStream } from '../core/data/events/types';
import { toFrames } from '../core/data/transforms/toFrame';

export interface BenchRow {
  suite: string;
  name: string;
  metric: string;
  value: number;
  unit: string;
}

const SAMPLES: Array<[string, string]> = [
  ['atis-bin ncaltech101', 'ncaltech101-bin/shiba24-event-vision-library/faces_easy_0001.bin'],
  ['aedat2 dvs128', 'aedat2/dvs128/alex_walking_again.aedat'],
  ['aedat2 davis240c', 'aedat2/davis240c/IMU_translBoxes.aedat'],
  ['aedat4 lz4 dvxplorer', 'aedat4/tonic/sample.aedat4'],
  ['aedat4 lz4 dvs128', 'aedat4/redpob-dvs128-testing/dvSave-2024_06_13_16_16_25.aedat4'],
  ['evt2', 'prophesee-evt2/sparklers.raw'],
  ['evt3', 'prophesee-evt3/evt3_test_pedestrians.raw'],
  ['prophesee-dat', 'prophesee-dat/tonic/sample_ncars.dat'],
];

/** Tonic's figures (issue text) and our targets, M events/s, by row name prefix. */
const REFERENCE: Array<{ prefix: string; tonic: number; target: number }> = [
  { prefix: 'atis-bin nmnist 1000 files (read+parse)', tonic: 38, target: 38 },
  { prefix: 'aedat2 dvs128', tonic: 55, target: 55 },
  { prefix: 'to-frame nmnist', tonic: 12, target: 12 },
];

const STREAM_CHUNK = 64 << 10;

/** Decode `bytes` through a chunk decoder fed STREAM_CHUNK bytes at a time; returns the event count. */
function streamed(bytes: Uint8Array, start: number, d: ChunkDecoder): number {
  let n = 0;
  for (let o = start; o < bytes.length; o += STREAM_CHUNK) n += d.push(bytes.subarray(o, Math.min(bytes.length, o + STREAM_CHUNK)), o).t.length;
  d.finish();
  return n;
}

/** The rows as a table with Tonic's figure and the target beside each (stdout, for humans). */
export function table(rows: BenchRow[]): string {
  const head = ['benchmark', 'SpikeLab M ev/s', 'Tonic M ev/s', 'target', 'vs target'];
  const body = rows.map((r) => {
    const ref = REFERENCE.find((x) => r.name.startsWith(x.prefix));
    const v = r.value / 1e6;
    return [r.name, v.toFixed(1), ref ? String(ref.tonic) : '-', ref ? `>= ${ref.target}` : '-', ref ? `${((v / ref.target) * 100).toFixed(0)}%` : '-'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** ../shared/data beside the repository, from bench/ or a compiled out/node/bench/; overridable. */
function dataRoot(): string {
  const candidates = [process.env.SPIKELAB_SAMPLE_DATA, resolve(__dirname, '..', '..', 'shared', 'data'), resolve(__dirname, '..', '..', '..', '..', 'shared', 'data')];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? (candidates[1] as string);
}

/** Best events/s of `fn` (which processes `events` events per call) within the time budget. */
function best(events: number, fn: () => void, seconds: number, minRuns: number): number {
  fn(); // warm up the JIT
  let bestMs = Infinity;
  const until = performance.now() + seconds * 1000;
  let runs = 0;
  while (runs < minRuns || performance.now() < until) {
    const t0 = performance.now();
    fn();
    bestMs = Math.min(bestMs, performance.now() - t0);
    if (++runs > 10000) break;
  }
  return events / (bestMs / 1000);
}

/** `quick` (tests): 100 N-MNIST files and one timed run per figure, only to check the rows. */
export async function run(opts: { json: boolean; quick?: boolean }): Promise<BenchRow[]> {
  const seconds = opts.quick ? 0 : Number(process.env.SPIKELAB_BENCH_SECONDS ?? 1);
  const minRuns = opts.quick ? 1 : 3;
  const root = dataRoot();
  const rows: BenchRow[] = [];
  const add = (name: string, metric: string, value: number, unit: string) => {
    rows.push({ suite: 'data', name, metric, value, unit });
    if (!opts.json) process.stderr.write(`  ${name.padEnd(36)} ${(value / 1e6).toFixed(1)} M${unit.replace(/^events/, 'ev')}\n`);
  };
  if (!existsSync(root)) {
    process.stderr.write(`bench data: sample folder ${root} is absent; nothing to measure\n`);
    return rows;
  }
  // N-MNIST: all 1000 files, each read from disk and parsed (page cache warm after the first pass).
  const nm = join(root, 'nmnist-bin', 'slayer-NMNISTsmall');
  const files = readdirSync(nm).filter((f) => f.endsWith('.bs2')).slice(0, opts.quick ? 100 : undefined).map((f) => join(nm, f));
  const streams: EventStream[] = files.map((f) => parseEventBytes(readFileSync(f), f));
  const nmEvents = streams.reduce((a, s) => a + s.t.length, 0);
  add(`atis-bin nmnist ${files.length} files (read+parse)`, 'throughput', best(nmEvents, () => {
    for (const f of files) readEventFileSync(f);
  }, seconds, minRuns), 'events/s');
  const bufs = files.map((f) => readFileSync(f));
  add(`atis-bin nmnist ${files.length} files (parse)`, 'throughput', best(nmEvents, () => {
    for (let i = 0; i < bufs.length; i++) parseEventBytes(bufs[i], files[i]);
  }, seconds, minRuns), 'events/s');
  for (const [name, rel] of SAMPLES) {
    const bytes = readFileSync(join(root, rel));
    const n = parseEventBytes(bytes, rel).t.length;
    add(name, 'throughput', best(n, () => parseEventBytes(bytes, rel), seconds, minRuns), 'events/s');
  }
  // To-frame, Tonic's ToFrame(n_time_bins=10) on 34x34x2 N-MNIST samples and a large EVT 2.0 file.
  add('to-frame nmnist timeBins=10', 'throughput', best(nmEvents, () => {
    for (const s of streams) toFrames(s, { timeBins: 10 });
  }, seconds, minRuns), 'events/s');
  add('to-frame nmnist eventCount=1000', 'throughput', best(nmEvents, () => {
    for (const s of streams) toFrames(s, { eventCount: 1000 });
  }, seconds, minRuns), 'events/s');
  const a4 = new Uint8Array(readFileSync(join(root, 'aedat4/tonic/sample.aedat4')));
  const a4n = parseEventBytes(a4, 'a4').t.length;
  add('aedat4 lz4 dvxplorer streamed 64 KiB', 'throughput', best(a4n, () => {
    const h = readAedat4Start(a4, 'a4', a4.length);
    streamed(a4, h.info.dataStart, new Aedat4Decoder(h, 'a4'));
  }, seconds, minRuns), 'events/s');
  const e3 = new Uint8Array(readFileSync(join(root, 'prophesee-evt3/evt3_test_pedestrians.raw')));
  const e3n = parseEventBytes(e3, 'e3').t.length;
  add('evt3 streamed 64 KiB', 'throughput', best(e3n, () => {
    const h = readEvt3Start(e3, 'e3', e3.length);
    streamed(e3, h.start, new Evt3Decoder(h.width, h.height, 'e3'));
  }, seconds, minRuns), 'events/s');
  const big = parseEventBytes(readFileSync(join(root, 'prophesee-evt2/sparklers.raw')), 'sparklers.raw');
  add('to-frame evt2 640x480 timeWindow=10ms', 'throughput', best(big.t.length, () => toFrames(big, { timeWindow: 10000 }), seconds, minRuns), 'events/s');
  return rows;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  run({ json }).then(
    (rows) => {
      process.stdout.write(json ? `${JSON.stringify(rows)}\n` : `${table(rows)}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
