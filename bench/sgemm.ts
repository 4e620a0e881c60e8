/**
 * Machine sgemm throughput through the native addon (OpenBLAS cblas_sgemm), 1024^3, on 1 and 2
 * threads. Run: `npx tsx bench/sgemm.ts [size]`. Numbers are noisy when other jobs share the CPU.
 */
import { loadKernels, nativeInfo, setNativeThreads } from '../core/native/loader';
import { Rng } from '../core/snn/rng';

/** Fastest sample: on a shared machine other jobs only ever add time, so the minimum is the estimate least hurt by them. */
function best(xs: number[]): number {
  return Math.min(...xs);
}

/** Best seconds per call over at least `minReps` calls and about `budgetS` seconds. */
function time(fn: () => void, minReps = 5, budgetS = 1.5): number {
  fn(); // warm-up: first-touch page faults, BLAS thread start-up
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  while (samples.length < minReps || Number(process.hrtime.bigint() - start) / 1e9 < budgetS) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (samples.length >= 200) break;
  }
  return best(samples);
}

function main(): void {
  const n = Number(process.argv[2] ?? 1024);
  const { kernels, note } = loadKernels();
  if (kernels.name !== 'native') {
    console.error(`sgemm bench needs the native addon: ${note ?? 'not loaded'}`);
    process.exit(1);
  }
  const info = nativeInfo();
  console.log(`BLAS: ${info?.blas} (core ${info?.blasCore}); default threads ${info?.threads}`);
  const rng = new Rng(1);
  const A = new Float32Array(n * n).map(() => rng.normal());
  const B = new Float32Array(n * n).map(() => rng.normal());
  const C = new Float32Array(n * n);
  const flops = 2 * n * n * n;
  const rows: string[][] = [['threads', 'size', 'best ms', 'GFLOP/s']];
  const defaultThreads = info?.threads ?? 1;
  for (const threads of [1, 2]) {
    setNativeThreads(threads);
    const s = time(() => kernels.gemm(false, false, n, n, n, 1, A, 0, B, 0, 0, C, 0));
    rows.push([String(threads), `${n}^3`, (s * 1e3).toFixed(2), (flops / s / 1e9).toFixed(1)]);
  }
  setNativeThreads(defaultThreads);
  printTable(rows);
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  rows.forEach((r, i) => {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

main();
