/**
 * `spikelab emulate --model M (--input FILE | --mnist-test-index N) [--json]`: one sample on the
 * board emulator in-process, with the same output shape as `spikelab board run`. Also the model
 * and input loading shared with `board upload` / `board run`.
 *
 * Model M: a run id in the workspace, a run folder (config.json + weights/final.safetensors), a
 * .safetensors file inside a run folder's weights/, or a model-spec JSON (a ModelSpec, or
 * {"model": ModelSpec, "settings"?}) with a same-named .safetensors beside it.
 *
 * Input FILE (JSON): {"ticks": T, "events": [[t, id], ...]} with 0 <= t < T and 0 <= id < the
 * model's inputs (input spike events, address-event pairs). Or --mnist-test-index N: MNIST test
 * image N encoded with the model's own encoder (seeded by --seed, default 1).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { ModelRunResult } from '../../core/board/client';
import { openInProcessBoard } from '../../core/board/emulator/inProcess';
import { encodeSample } from '../../core/board/evaluate';
import type { Capabilities } from '../../core/board/messages';
import { checkCapabilities, quantiseNetwork, type QuantNetwork } from '../../core/board/quantise';
import { loadMnist } from '../../core/data/mnist';
import { resolveWorkspaceRoot } from '../../core/lab/workspace';
import { isValidRunId } from '../../core/lab/runStore';
import { buildNetwork } from '../../core/snn/build';
import { referenceKernels } from '../../core/snn/kernels/reference';
import type { Network } from '../../core/snn/network';
import { Rng } from '../../core/snn/rng';
import type { ModelSpec } from '../../core/snn/spec';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';

export const INPUT_HELP = `Model M: a run id in the workspace, a run folder (config.json + weights/final.safetensors),
  or a model-spec JSON with a same-named .safetensors file beside it.
Input: --input FILE, a JSON spike list {"ticks": T, "events": [[t, id], ...]} (0 <= t < T,
  0 <= id < model inputs), or --mnist-test-index N (MNIST test image N through the model's own
  encoder, seeded by --seed, default 1).`;

export const EMULATE_HELP = `Usage: spikelab emulate --model M (--input FILE | --mnist-test-index N) [--seed N] [--json] [--workspace DIR]
Runs one sample on the board emulator in-process (same output as \`spikelab board run\`).
${INPUT_HELP}
`;

export interface LoadedModel {
  /** What the user named (run id or path). */
  ref: string;
  net: Network;
  q: QuantNetwork;
}

export interface ModelInput {
  ticks: number;
  /** Per tick the input ids that spiked. */
  spikes: Uint16Array[];
  /** The MNIST label when the input came from --mnist-test-index. */
  label?: number;
  source: string;
}

export class CliError extends Error {}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function isSpec(x: unknown): x is ModelSpec {
  return typeof x === 'object' && x !== null && Array.isArray((x as ModelSpec).layers) && Array.isArray((x as ModelSpec).input);
}

/** spec (timesteps from settings when present) + seed from a RunConfig-like or bare ModelSpec JSON. */
function specFrom(json: unknown, where: string): { spec: ModelSpec; seed: number } {
  if (isSpec(json)) return { spec: json, seed: 1 };
  const c = json as { model?: unknown; settings?: { timesteps?: number; seed?: number } };
  if (typeof c === 'object' && c !== null && isSpec(c.model)) {
    const spec = c.settings?.timesteps ? { ...c.model, timesteps: c.settings.timesteps } : c.model;
    return { spec, seed: c.settings?.seed ?? 1 };
  }
  throw new CliError(`${where} holds neither a model spec nor a run config with "model"`);
}

/** Resolves M to (model JSON, weights file). */
function locateModel(ref: string, workspace: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { json: string; weights: string } {
  const p = resolve(cwd, ref);
  if (existsSync(p)) {
    if (statSync(p).isDirectory()) return { json: join(p, 'config.json'), weights: join(p, 'weights', 'final.safetensors') };
    if (extname(p) === '.safetensors') {
      const runDir = basename(dirname(p)) === 'weights' ? dirname(dirname(p)) : dirname(p);
      return { json: join(runDir, 'config.json'), weights: p };
    }
    return { json: p, weights: join(dirname(p), `${basename(p, extname(p))}.safetensors`) };
  }
  if (!isValidRunId(ref)) throw new CliError(`model ${JSON.stringify(ref)} is neither a file, a folder nor a run id`);
  const dir = join(resolveWorkspaceRoot(workspace, env), 'runs', ref);
  if (!existsSync(join(dir, 'config.json'))) throw new CliError(`model ${JSON.stringify(ref)}: no such file, folder or run in ${dirname(dir)}`);
  return { json: join(dir, 'config.json'), weights: join(dir, 'weights', 'final.safetensors') };
}

/** Builds the network with its trained weights and quantises it for the board. */
export function loadModel(ref: string, opts: { workspace?: string; env: NodeJS.ProcessEnv; cwd?: string }): LoadedModel {
  const where = locateModel(ref, opts.workspace, opts.env, opts.cwd ?? process.cwd());
  if (!existsSync(where.json)) throw new CliError(`model ${ref}: ${where.json} not found`);
  if (!existsSync(where.weights)) throw new CliError(`model ${ref}: no weights at ${where.weights} (only completed runs have final weights)`);
  const { spec, seed } = specFrom(readJson(where.json), where.json);
  const net = buildNetwork(spec, { kernels: referenceKernels, seed });
  net.loadWeights(new Uint8Array(readFileSync(where.weights)));
  return { ref, net, q: quantiseNetwork(net) };
}

/** Parses the JSON spike list format; every problem names the file and the offending entry. */
export function parseSpikeList(json: unknown, inputs: number, where: string): ModelInput {
  const o = json as { ticks?: unknown; events?: unknown };
  if (typeof o !== 'object' || o === null) throw new CliError(`${where}: expected {"ticks": T, "events": [[t, id], ...]}`);
  if (typeof o.ticks !== 'number' || !Number.isInteger(o.ticks) || o.ticks < 1 || o.ticks > 1_000_000) throw new CliError(`${where}: "ticks" must be a positive integer`);
  if (!Array.isArray(o.events)) throw new CliError(`${where}: "events" must be an array of [t, id] pairs`);
  const ticks = o.ticks;
  const perTick: number[][] = Array.from({ length: ticks }, () => []);
  o.events.forEach((e: unknown, i) => {
    if (!Array.isArray(e) || e.length !== 2 || !e.every((v) => Number.isInteger(v))) throw new CliError(`${where}: events[${i}] must be [t, id] integers`);
    const [t, id] = e as [number, number];
    if (t < 0 || t >= ticks) throw new CliError(`${where}: events[${i}] tick ${t} is outside 0..${ticks - 1}`);
    if (id < 0 || id >= inputs) throw new CliError(`${where}: events[${i}] id ${id} is outside 0..${inputs - 1} (the model has ${inputs} inputs)`);
    perTick[t].push(id);
  });
  return { ticks, spikes: perTick.map((ids) => Uint16Array.from(new Set(ids)).sort()), source: where };
}

export async function loadInput(
  model: LoadedModel,
  flags: { input?: string; 'mnist-test-index'?: number; seed?: number },
  cwd: string,
  command: string,
): Promise<ModelInput> {
  const hasFile = flags.input !== undefined;
  const hasMnist = flags['mnist-test-index'] !== undefined;
  if (hasFile === hasMnist) throw new UsageError(`${command}: give exactly one of --input FILE or --mnist-test-index N`);
  if (hasFile) {
    const path = resolve(cwd, flags.input as string);
    return parseSpikeList(readJson(path), model.q.inputs, path);
  }
  const index = flags['mnist-test-index'] as number;
  if (index < 0) throw new UsageError(`${command}: --mnist-test-index must be >= 0`);
  const mn = await loadMnist('test', { limit: index + 1 });
  if (index >= mn.count) throw new CliError(`MNIST test set has ${mn.count} images; index ${index} is out of range`);
  const px = mn.rows * mn.cols;
  if (px !== model.q.inputs) throw new CliError(`the model has ${model.q.inputs} inputs; MNIST images have ${px} pixels`);
  const x = new Float32Array(px);
  for (let i = 0; i < px; i++) x[i] = mn.images[index * px + i] / 255;
  const spikes = encodeSample(model.net, x, new Rng(flags.seed ?? 1));
  return { ticks: spikes.length, spikes, label: mn.labels[index], source: `mnist-test[${index}]` };
}

/** The capability check before upload: one stderr line per violation, then a CliError (exit 1). */
export function requireFits(io: CliIo, model: LoadedModel, caps: Capabilities): void {
  const violations = checkCapabilities(model.q, caps);
  if (!violations.length) return;
  for (const v of violations) io.stderr.write(`spikelab: capability: ${v.layer ? `[${v.layer}] ` : ''}${v.message}\n`);
  throw new CliError(`model ${model.ref} does not fit board ${caps.boardId} (${violations.length} problem${violations.length > 1 ? 's' : ''} above)`);
}

export interface RunOutput extends ModelRunResult {
  model: string;
  input: string;
  ticks: number;
  label?: number;
  board: string;
}

export function runOutput(model: LoadedModel, input: ModelInput, r: ModelRunResult, board: string): RunOutput {
  return { model: model.ref, input: input.source, ticks: input.ticks, ...(input.label === undefined ? {} : { label: input.label }), board, ...r };
}

export function formatRunOutput(o: RunOutput): string {
  const lines = [
    `model ${o.model} on ${o.board}, input ${o.input} (${o.ticks} ticks)`,
    `output spike counts: ${o.outputCounts.join(' ')}`,
    `predicted class: ${o.predicted}${o.label === undefined ? '' : ` (label ${o.label})`}`,
    `counters: ${Object.entries(o.counters).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  ];
  for (const e of Object.values(o.estimates))
    lines.push(`estimate (${e.table}): energy ${(e.energyJ * 1e9).toFixed(3)} nJ, latency ${(e.latencyS * 1e6).toFixed(2)} us  [estimate, not a measurement]`);
  if (o.outputGaps) lines.push(`note: ${o.outputGaps} SPIKE_OUT frames lost (counts above are read reliably)`);
  return `${lines.join('\n')}\n`;
}

const EMULATE_FLAGS = { model: 'string', input: 'string', 'mnist-test-index': 'int', seed: 'int', workspace: 'string', json: 'boolean', help: 'boolean' } as const;

export async function emulateCommand(argv: readonly string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  const { positionals, flags } = parseArgs(argv, EMULATE_FLAGS, 'emulate');
  if (flags.help) {
    io.stdout.write(EMULATE_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`emulate: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (flags.model === undefined) throw new UsageError('emulate: --model M is required');
  const model = loadModel(flags.model, { workspace: flags.workspace, env: io.env, cwd });
  const input = await loadInput(model, flags, cwd, 'emulate');
  const board = await openInProcessBoard();
  try {
    requireFits(io, model, board.client.capabilities);
    await board.client.ensureCommitted(model.q);
    const r = await board.client.runModel(model.q, input.spikes);
    const out = runOutput(model, input, r, `${board.client.capabilities.boardId} (in-process)`);
    io.stdout.write(flags.json ? `${JSON.stringify(out)}\n` : formatRunOutput(out));
    return 0;
  } finally {
    await board.close();
  }
}
