/** `spikelab train <config.json> | --preset NAME [overrides]`: one run, headless, with a progress bar. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError, type MetricRecord, type RunStatus, type RunSummary, type TrainRequest, type TrainSettings } from '../../core/api/contract';
import { createLabService, type LabService } from '../../core/lab/service';
import { validateTrainRequest } from '../../core/lab/validate';
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
  const file = positionals[0];
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
  return { request, workspace: flags.workspace, json: flags.json === true };
}

export async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
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
