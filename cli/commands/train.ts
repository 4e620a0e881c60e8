/**
 * `spikelab train <config.json> | --config FILE | --preset NAME [--method M] [--option key=value ...]
 * [overrides]`: one run, headless, with a progress bar. `--methods` lists every method and option.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError, type MetricRecord, type RunStatus, type RunSummary, type TrainRequest, type TrainSettings } from '../../core/api/contract';
import { createLabService, type LabService } from '../../core/lab/service';
import type { MethodInfo, MethodOptionInfo } from '../../core/api/contractMethods';
import { checkRunOptions, methodInfos, requireMethod } from '../../core/lab/methods/catalog';
import { validateTrainRequest } from '../../core/lab/validate';
import { getPreset, listPresets } from '../../core/train/presets';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';
import { ProgressBar, formatSeconds } from '../progressBar';

export const TRAIN_FLAGS = {
  preset: 'string',
  epochs: 'int',
  'batch-size': 'int',
  lr: 'number',
  timesteps: 'int',
  'train-limit': 'int',
  'test-limit': 'int',
  seed: 'int',
  name: 'string',
  workspace: 'string',
  json: 'boolean',
  data: 'string',
  labels: 'string',
  config: 'string',
  method: 'string',
  option: 'list',
  methods: 'boolean',
} as const;

export interface TrainOutcome {
  runId: string;
  status: RunStatus;
  preset: string;
  epochsDone: number;
  finalTestAccuracy: number | null;
  bestTestAccuracy: number | null;
  elapsedSeconds: number;
  runDir: string;
  error: string | null;
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'stopped', 'failed', 'interrupted']);

export function buildTrainRequest(argv: readonly string[], cwd = process.cwd()): { request: TrainRequest; workspace: string | undefined; json: boolean } {
  const { positionals, flags } = parseArgs(argv, TRAIN_FLAGS, 'train');
  if (positionals.length > 1) throw new UsageError(`train: expected one config file, got ${positionals.length} arguments`);
  if (positionals[0] && flags.config) throw new UsageError('train: give the config file once, as an argument or with --config');
  const file = positionals[0] ?? flags.config;
  if (file && flags.preset) throw new UsageError('train: give either a config file or --preset, not both');
  if (!file && !flags.preset) throw new UsageError('train: give a config file or --preset NAME (see `spikelab help`)');
  let request: TrainRequest;
  if (file) {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ApiError('BAD_REQUEST', `cannot read config file ${path}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ApiError('BAD_REQUEST', `config file ${path} is not valid JSON: ${(err as Error).message}`);
    }
    request = validateTrainRequest(parsed, 'config');
  } else {
    request = { preset: flags.preset as string };
  }
  const overrides: Partial<TrainSettings> = {};
  if (flags.epochs !== undefined) overrides.epochs = flags.epochs;
  if (flags['batch-size'] !== undefined) overrides.batchSize = flags['batch-size'];
  if (flags.lr !== undefined) overrides.learningRate = flags.lr;
  if (flags.timesteps !== undefined) overrides.timesteps = flags.timesteps;
  if (flags['train-limit'] !== undefined) overrides.trainLimit = flags['train-limit'];
  if (flags['test-limit'] !== undefined) overrides.testLimit = flags['test-limit'];
  if (flags.seed !== undefined) overrides.seed = flags.seed;
  request = { ...request, settings: { ...request.settings, ...overrides } };
  if (flags.name !== undefined) request.name = flags.name;
  if (flags.labels !== undefined && flags.data === undefined) throw new UsageError('train: --labels needs --data FOLDER');
  // Absolute paths: the run's config.json must still find the data from any working directory.
  if (flags.data !== undefined) request.data = { path: resolve(cwd, flags.data), labels: flags.labels === undefined ? null : resolve(cwd, flags.labels) };
  if (flags.method !== undefined) request.method = flags.method;
  if (flags.option !== undefined) {
    // Option values are typed by the method's table, so the method must be known before parsing them.
    const method = request.method ?? getPreset(request.preset).summary.method;
    request.methodOptions = { ...request.methodOptions, ...parseMethodOptionFlags(methodForCli(method), flags.option) };
  }
  // The service checks these again; here they are usage errors (exit 2) before any workspace is opened.
  if (request.method !== undefined) methodForCli(request.method);
  if (request.methodOptions !== undefined) {
    try {
      checkRunOptions(request.method ?? getPreset(request.preset).summary.method, request.methodOptions, 'train: methodOptions');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'BAD_REQUEST') throw new UsageError(err.message);
      throw err;
    }
  }
  return { request, workspace: flags.workspace, json: flags.json === true };
}

function methodForCli(name: string): MethodInfo {
  try {
    return requireMethod(name, 'train: --method');
  } catch (err) {
    if (err instanceof ApiError) throw new UsageError(err.message);
    throw err;
  }
}

/** `key=value` pairs typed by the method's options: numbers, true/false, enum names, comma lists. */
export function parseMethodOptionFlags(method: MethodInfo, pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`train: --option expects key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1).trim();
    const info = method.options.find((o) => o.key === key);
    if (!info) {
      const known = method.options.map((o) => o.key);
      throw new UsageError(`train: method ${method.name} has no option "${key}"; ${known.length ? `options: ${known.join(', ')}` : 'it takes no options'}`);
    }
    if (key in out) throw new UsageError(`train: --option ${key} given twice`);
    out[key] = optionValue(method.name, info, raw);
  }
  return out;
}

function optionValue(method: string, o: MethodOptionInfo, raw: string): unknown {
  const fail = (what: string): never => {
    throw new UsageError(`train: option ${o.key} of ${method} expects ${what}, got ${JSON.stringify(raw)}`);
  };
  const num = (t: string): number => {
    const n = Number(t);
    if (t.trim() === '' || !Number.isFinite(n)) fail(o.kind === 'numbers' ? 'a comma-separated list of numbers' : 'a number');
    return n;
  };
  switch (o.kind) {
    case 'number':
      return num(raw);
    case 'bool':
      if (raw !== 'true' && raw !== 'false') fail('true or false');
      return raw === 'true';
    case 'enum':
      if (!(o.values ?? []).includes(raw)) fail(`one of ${(o.values ?? []).join(', ')}`);
      return raw;
    case 'numbers':
      return raw.split(',').map(num);
  }
}

/** The `--methods` listing: each method, its family, presets and options with defaults and docs. */
export function describeMethods(methods: readonly MethodInfo[]): string {
  const lines: string[] = [];
  for (const m of methods) {
    lines.push(`${m.name}  (${m.family})  ${m.title}${m.presets.length ? `  [presets: ${m.presets.join(', ')}]` : ''}`);
    for (const o of m.options) {
      const range = o.kind === 'enum' ? (o.values ?? []).join('|') : o.kind === 'bool' ? 'true|false' : [o.min !== undefined ? `>= ${o.min}` : '', o.max !== undefined ? `<= ${o.max}` : ''].filter(Boolean).join(' ');
      lines.push(`    --option ${o.key}=${Array.isArray(o.default) ? o.default.join(',') : String(o.default)}${range ? `  (${range})` : ''}  ${o.doc}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--methods')) {
    if (argv.length !== 1) throw new UsageError('train: --methods takes no other options');
    io.stdout.write(describeMethods(methodInfos(listPresets())));
    return 0;
  }
  const { request, workspace, json } = buildTrainRequest(argv);
  const service = createLabService({ ...io.serviceDefaults, workspace: workspace ?? io.serviceDefaults?.workspace, env: io.env, host: 'web' });
  try {
    return await followRun(service, () => service.startRun(request), io, json);
  } finally {
    await service.close();
  }
}

/**
 * Starts (or resumes) a run and follows it to its end with a progress bar; the first Ctrl-C stops it
 * with a checkpoint, a second abandons that checkpoint. Exit code: 0 completed, 1 failed, 130 stopped.
 */
export async function followRun(service: LabService, begin: () => Promise<RunSummary>, io: CliIo, json: boolean): Promise<number> {
  const t0 = Date.now();
  let interrupts = 0;
  let runId: string | null = null;
  let bar: ProgressBar | null = null;
  let settle: (s: RunSummary) => void = () => undefined;
  const finished = new Promise<RunSummary>((r) => (settle = r));

  const unsubscribe = service.onRunEvent((e) => {
    if (runId === null) return;
    if (e.type === 'progress' && e.progress.runId === runId) bar?.progress(e.progress);
    else if (e.type === 'metric' && e.runId === runId && e.metric.kind === 'epoch') bar?.epoch(e.metric);
    else if (e.type === 'status' && e.run.id === runId && TERMINAL.has(e.run.status)) settle(e.run);
  });
  const offInterrupt = io.onInterrupt(() => {
    interrupts++;
    if (runId === null) return;
    if (interrupts === 1) {
      bar?.line('stopping: writing a checkpoint (Ctrl-C again to abandon it)');
      void service.stopRun(runId).catch(() => undefined);
    } else {
      // Second Ctrl-C: give up on the checkpoint; the run folder still holds the previous one.
      void service.killRunWorker(runId).catch(() => undefined);
    }
  });

  try {
    const started = await begin();
    runId = started.id;
    bar = new ProgressBar(io.stderr, started.epochs);
    if (!json) bar.line(`run ${started.id} (${started.preset}, ${started.method}) in ${service.workspace.root}`);
    const current = service.store.readStatus(started.id);
    if (TERMINAL.has(current.status)) settle(current);
    const summary = await finished;
    bar.clear();
    const detail = await service.getRun(summary.id);
    const lastEpoch = detail.metrics.filter((m: MetricRecord) => m.kind === 'epoch' && m.testAccuracy !== null).at(-1);
    const outcome: TrainOutcome = {
      runId: summary.id,
      status: summary.status,
      preset: summary.preset,
      epochsDone: summary.epochsDone,
      finalTestAccuracy: lastEpoch?.testAccuracy ?? null,
      bestTestAccuracy: summary.bestTestAccuracy,
      elapsedSeconds: Math.round((Date.now() - t0) / 100) / 10,
      runDir: service.store.runDir(summary.id),
      error: summary.error,
    };
    io.stdout.write(json ? `${JSON.stringify(outcome)}\n` : `${describeOutcome(outcome)}\n`);
    if (summary.status === 'failed') {
      if (!json) io.stderr.write(`error: run ${summary.id} failed: ${summary.error ?? 'unknown error'}\n`);
      return 1;
    }
    return summary.status === 'completed' ? 0 : 130;
  } finally {
    offInterrupt();
    unsubscribe();
  }
}

export function describeOutcome(o: TrainOutcome): string {
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
  return `${o.status}: run ${o.runId}, test accuracy ${pct(o.finalTestAccuracy)} (best ${pct(o.bestTestAccuracy)}), ${o.epochsDone} epoch${o.epochsDone === 1 ? '' : 's'} in ${formatSeconds(o.elapsedSeconds)}`;
}
