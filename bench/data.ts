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
 * per-file overhead, AEDAT 2 DVS128 about 55 M ev/s, to-frame about 12 M ev/s.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEventBytes, readEventFileSync } from '../core/data/events/detect';
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
  const big = parseEventBytes(readFileSync(join(root, 'prophesee-evt2/sparklers.raw')), 'sparklers.raw');
  add('to-frame evt2 640x480 timeWindow=10ms', 'throughput', best(big.t.length, () => toFrames(big, { timeWindow: 10000 }), seconds, minRuns), 'events/s');
  return rows;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  run({ json }).then(
    (rows) => {
      if (json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
