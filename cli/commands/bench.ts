/**
 * `spikelab bench <suite> [--json] [suite options]`: runs bench/<suite>.js or .ts (through tsx) from
 * the package. A suite module exports run(opts: { json: boolean; argv: string[] }): Promise<BenchResult[]>;
 * options after the suite name other than --json (e.g. `--only asf --epochs 2`) are the suite's own.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findPackageRoot } from '../../core/lab/packageRoot';
import { UsageError } from '../args';
import type { CliIo } from '../io';

export interface BenchResult {
  suite: string;
  name: string;
  metric: string;
  value: number;
  unit: string;
}

type BenchModule = { run(opts: { json: boolean; argv: string[] }): Promise<BenchResult[]> };

// Suites are found at run time by name, so they are loaded by path rather than imported.
const loadModule = createRequire(__filename);

export function findBenchModule(suite: string, root = findPackageRoot()): string | null {
  for (const p of [join(root, 'out', 'node', 'bench', `${suite}.js`), join(root, 'bench', `${suite}.js`), join(root, 'bench', `${suite}.ts`)]) {
    if (existsSync(p)) return p;
  }
  return null;
}

export function loadBench(path: string): BenchModule {
  if (path.endsWith('.ts')) {
    // tsx is a dev dependency: benches from sources are a developer activity.
    const api = loadModule('tsx/cjs/api') as { register(): () => void };
    api.register();
  }
  const mod: unknown = loadModule(path);
  if (typeof mod !== 'object' || mod === null || typeof (mod as { run?: unknown }).run !== 'function') {
    throw new Error(`bench module ${path} does not export run(opts)`);
  }
  return mod as BenchModule;
}

export async function benchCommand(argv: readonly string[], io: CliIo, root?: string): Promise<number> {
  // The suite's own options are passed through untouched, so only --json and the name are read here.
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const suite = rest[0];
  if (suite === undefined || suite.startsWith('-')) throw new UsageError('bench: expected a suite name first, e.g. `spikelab bench engine --json` or `spikelab bench methods --only asf`');
  const suiteArgs = rest.slice(1);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(suite)) throw new UsageError(`bench: suite name must be letters, digits, '-' or '_', got ${JSON.stringify(suite)}`);
  const path = findBenchModule(suite, root);
  if (!path) throw new UsageError(`bench: no suite ${JSON.stringify(suite)} (looked for bench/${suite}.ts and .js)`);
  const results = await loadBench(path).run({ json, argv: suiteArgs });
  if (json) io.stdout.write(`${JSON.stringify(results)}\n`);
  else for (const r of results) io.stdout.write(`${r.suite}/${r.name}  ${r.metric} = ${formatValue(r.value)} ${r.unit}\n`);
  return 0;
}

function formatValue(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(Number.isInteger(v) ? 0 : 1) : v.toPrecision(4);
}
