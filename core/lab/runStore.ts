/**
 * One folder per run under runs/<id>/:
 *   config.json      RunConfig, written once
 *   status.json      RunSummary, rewritten atomically on every state change
 *   metrics.jsonl    MetricRecord lines, appended; a torn last line (crash mid-append) is ignored
 *   checkpoints/     ckpt-<epoch>-<step>.safetensors (+ .optim.safetensors) and a .json meta
 *   weights/         final.safetensors when a run completes
 *   curves/          <name>.json AccuracyCurve files (conversion methods, measured accuracy-vs-T)
 *   plasticity.json  newest PlasticitySnapshot of a plasticity run (receptive fields, histogram, trace)
 * A checkpoint counts only once its meta exists: the meta is written last, so a crash mid-checkpoint
 * leaves the previous one as the newest complete checkpoint.
 */
import { appendFileSync, existsSync, mkdirSync, openSync, closeSync, ftruncateSync, fstatSync, readSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiError, type AccuracyCurve, type MetricRecord, type PlasticitySnapshot, type RunConfig, type RunStatus, type RunSummary } from '../api/contract';
import type { CheckpointState } from '../train/types';
import { atomicWriteFile, atomicWriteFileSync, atomicWriteJsonSync, isAtomicTempName } from './atomicWrite';

export const CHECKPOINT_FORMAT = 'spikelab.checkpoint';
export const DEFAULT_KEEP_CHECKPOINTS = 3;
const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'running', 'paused']);
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  name: string;
  epoch: number;
  step: number;
  createdAt: string;
  bestTestAccuracy: number | null;
  extra: CheckpointState['extra'];
  weights: { file: string; bytes: number };
  optimizer: { file: string; bytes: number };
}

export interface RunOwner {
  pid: number;
  hostname: string;
  /** Distinguishes service instances inside one process (tests, embedders). */
  instance: string;
}

export function isValidRunId(id: string): boolean {
  return RUN_ID.test(id) && !id.includes('..');
}

export function checkpointName(epoch: number, step: number): string {
  return `ckpt-${epoch}-${step}`;
}

export class RunStore {
  constructor(readonly runsDir: string, readonly keepCheckpoints = DEFAULT_KEEP_CHECKPOINTS) {}

  newRunId(label: string, now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32) || 'run';
    return `${stamp}-${slug}-${randomBytes(3).toString('hex')}`;
  }

  runDir(id: string): string {
    if (!isValidRunId(id)) throw new ApiError('BAD_REQUEST', `runId must be a plain folder name, got ${JSON.stringify(id)}`);
    return join(this.runsDir, id);
  }

  exists(id: string): boolean {
    return isValidRunId(id) && existsSync(join(this.runsDir, id, 'status.json'));
  }

  create(summary: RunSummary, config: RunConfig): void {
    const dir = this.runDir(summary.id);
    if (existsSync(dir)) throw new ApiError('CONFLICT', `run ${summary.id} already exists`);
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    mkdirSync(join(dir, 'weights'), { recursive: true });
    atomicWriteJsonSync(join(dir, 'config.json'), config);
    // status.json is written last: a run folder without it is an aborted create and is skipped by list().
    atomicWriteJsonSync(join(dir, 'status.json'), summary);
  }

  readConfig(id: string): RunConfig {
    return this.readJson<RunConfig>(id, 'config.json');
  }

  readStatus(id: string): RunSummary {
    return this.readJson<RunSummary>(id, 'status.json');
  }

  /** Off-thread twin of writeStatus, for the service's thread (see LabService.persistStatus). */
  writeStatusAsync(summary: RunSummary): Promise<void> {
    return atomicWriteFile(join(this.runDir(summary.id), 'status.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }

  writeStatus(summary: RunSummary): void {
    atomicWriteJsonSync(join(this.runDir(summary.id), 'status.json'), summary);
  }

  list(): RunSummary[] {
    let names: string[];
    try {
      names = readdirSync(this.runsDir);
    } catch {
      return [];
    }
    const out: RunSummary[] = [];
    for (const name of names) {
      if (!this.exists(name)) continue;
      try {
        out.push(this.readStatus(name));
      } catch {
        // A folder with an unreadable status is not a run we can show; leave it for the user to inspect.
      }
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  }

  delete(id: string): void {
    if (!this.exists(id)) throw new ApiError('NOT_FOUND', `run ${id} not found`);
    rmSync(this.runDir(id), { recursive: true, force: true });
  }

  /** Records which process (and service instance within it) drives a run's worker. */
  writeOwner(id: string, owner: RunOwner): void {
    atomicWriteJsonSync(join(this.runDir(id), 'owner.json'), owner);
  }

  readOwner(id: string): RunOwner | null {
    try {
      return JSON.parse(readFileSync(join(this.runDir(id), 'owner.json'), 'utf8')) as RunOwner;
    } catch {
      return null;
    }
  }

  /**
   * Called at service start: active runs whose owner is gone were interrupted (no worker survives
   * its process). Runs driven by another live process on this machine (a `spikelab serve` while the
   * CLI lists runs) are left alone.
   */
  markInterrupted(isOwnerAlive: (owner: RunOwner) => boolean = () => false, now = new Date()): RunSummary[] {
    const changed: RunSummary[] = [];
    for (const run of this.list()) {
      if (!ACTIVE.has(run.status)) continue;
      const owner = this.readOwner(run.id);
      if (owner && isOwnerAlive(owner)) continue;
      const ckpt = this.latestCheckpoint(run.id);
      const next: RunSummary = {
        ...run,
        status: 'interrupted',
        updatedAt: now.toISOString(),
        lastCheckpoint: ckpt ? ckpt.weights.file : null,
      };
      this.writeStatus(next);
      changed.push(next);
    }
    return changed;
  }

  metricsPath(id: string): string {
    return join(this.runDir(id), 'metrics.jsonl');
  }

  /**
   * Cuts a torn last line left by a crash so the next append starts on a fresh line instead of
   * gluing a valid record onto garbage.
   */
  repairMetrics(id: string): void {
    const path = this.metricsPath(id);
    if (!existsSync(path)) return;
    const fd = openSync(path, 'r+');
    try {
      const size = fstatSync(fd).size;
      if (size === 0) return;
      const chunk = Math.min(size, 1 << 16);
      let end = size;
      const buf = Buffer.alloc(chunk);
      // Scan backwards for the last newline; records are small, so the first 64 KiB nearly always has it.
      while (end > 0) {
        const start = Math.max(0, end - chunk);
        const n = readSync(fd, buf, 0, end - start, start);
        const idx = buf.subarray(0, n).lastIndexOf(0x0a);
        if (idx >= 0) {
          const keep = start + idx + 1;
          if (keep !== size) ftruncateSync(fd, keep);
          return;
        }
        end = start;
      }
      ftruncateSync(fd, 0);
    } finally {
      closeSync(fd);
    }
  }

  appendMetrics(id: string, records: MetricRecord[]): void {
    if (records.length === 0) return;
    appendFileSync(this.metricsPath(id), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /**
   * Drops records newer than a checkpoint before a run resumes from it: those batches are trained
   * again, and the charts should show each once. Batch records count `step` batches done at or
   * before the checkpoint's step; an epoch's record precedes the checkpoint of the next epoch.
   */
  truncateMetricsAfter(id: string, epoch: number, step: number): number {
    const all = this.readMetrics(id);
    const keep = all.filter((r) => (r.kind === 'epoch' ? r.epoch < epoch : r.epoch < epoch || (r.epoch === epoch && r.step <= step)));
    if (keep.length !== all.length) atomicWriteFileSync(this.metricsPath(id), keep.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return all.length - keep.length;
  }

  readMetrics(id: string): MetricRecord[] {
    let text: string;
    try {
      text = readFileSync(this.metricsPath(id), 'utf8');
    } catch {
      return [];
    }
    const out: MetricRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const rec = JSON.parse(line) as MetricRecord;
        if (rec && (rec.kind === 'batch' || rec.kind === 'epoch')) out.push(rec);
      } catch {
        // torn line from a crash mid-append
      }
    }
    return out;
  }

  writeCheckpoint(id: string, state: CheckpointState, now = new Date()): CheckpointMeta {
    const dir = join(this.runDir(id), 'checkpoints');
    mkdirSync(dir, { recursive: true });
    const name = checkpointName(state.epoch, state.step);
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: 1,
      name,
      epoch: state.epoch,
      step: state.step,
      createdAt: now.toISOString(),
      bestTestAccuracy: state.bestTestAccuracy,
      extra: state.extra,
      weights: { file: `${name}.safetensors`, bytes: state.weights.byteLength },
      optimizer: { file: `${name}.optim.safetensors`, bytes: state.optimizer.byteLength },
    };
    atomicWriteFileSync(join(dir, meta.weights.file), state.weights);
    atomicWriteFileSync(join(dir, meta.optimizer.file), state.optimizer);
    atomicWriteJsonSync(join(dir, `${name}.json`), meta);
    this.pruneCheckpoints(id);
    return meta;
  }

  /** Complete checkpoints, oldest first. */
  listCheckpoints(id: string): CheckpointMeta[] {
    const dir = join(this.runDir(id), 'checkpoints');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const metas: CheckpointMeta[] = [];
    for (const n of names) {
      if (!/^ckpt-\d+-\d+\.json$/.test(n)) continue;
      try {
        const meta = JSON.parse(readFileSync(join(dir, n), 'utf8')) as CheckpointMeta;
        if (meta.format !== CHECKPOINT_FORMAT) continue;
        if (statSync(join(dir, meta.weights.file)).size !== meta.weights.bytes) continue;
        if (statSync(join(dir, meta.optimizer.file)).size !== meta.optimizer.bytes) continue;
        metas.push(meta);
      } catch {
        // incomplete checkpoint: its data files or meta are missing
      }
    }
    return metas.sort((a, b) => a.epoch - b.epoch || a.step - b.step);
  }

  latestCheckpoint(id: string): CheckpointMeta | null {
    const all = this.listCheckpoints(id);
    return all.length ? all[all.length - 1] : null;
  }

  loadCheckpoint(id: string, meta: CheckpointMeta): CheckpointState {
    const dir = join(this.runDir(id), 'checkpoints');
    return {
      epoch: meta.epoch,
      step: meta.step,
      weights: new Uint8Array(readFileSync(join(dir, meta.weights.file))),
      optimizer: new Uint8Array(readFileSync(join(dir, meta.optimizer.file))),
      extra: meta.extra,
      bestTestAccuracy: meta.bestTestAccuracy,
    };
  }

  writeFinalWeights(id: string, weights: Uint8Array): string {
    const dir = join(this.runDir(id), 'weights');
    mkdirSync(dir, { recursive: true });
    atomicWriteFileSync(join(dir, 'final.safetensors'), weights);
    return 'weights/final.safetensors';
  }

  /** One file per curve name; a newer curve of the same name replaces the older atomically. */
  writeCurve(id: string, curve: AccuracyCurve): string {
    const dir = join(this.runDir(id), 'curves');
    mkdirSync(dir, { recursive: true });
    const name = curve.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'curve';
    atomicWriteJsonSync(join(dir, `${name}.json`), curve);
    return `curves/${name}.json`;
  }

  /** The run's newest plasticity snapshot (replaced atomically, so a crash leaves the previous one). */
  writePlasticity(id: string, snapshot: PlasticitySnapshot): void {
    atomicWriteJsonSync(join(this.runDir(id), 'plasticity.json'), snapshot);
  }

  readPlasticity(id: string): PlasticitySnapshot | null {
    const file = join(this.runDir(id), 'plasticity.json');
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as PlasticitySnapshot;
    } catch (err) {
      throw new ApiError('INTERNAL', `run ${id}: plasticity.json is unreadable (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** Curves stored with the run, oldest first; unreadable files are skipped (a torn write leaves only a temp file). */
  readCurves(id: string): AccuracyCurve[] {
    const dir = join(this.runDir(id), 'curves');
    if (!existsSync(dir)) return [];
    const out: AccuracyCurve[] = [];
    for (const n of readdirSync(dir)) {
      if (!n.endsWith('.json') || isAtomicTempName(n)) continue;
      try {
        out.push(JSON.parse(readFileSync(join(dir, n), 'utf8')) as AccuracyCurve);
      } catch {
        // skipped: not a complete curve file
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private pruneCheckpoints(id: string): void {
    const dir = join(this.runDir(id), 'checkpoints');
    const all = this.listCheckpoints(id);
    const keep = new Set<string>();
    for (const m of all.slice(-this.keepCheckpoints)) keep.add(m.name);
    for (const n of readdirSync(dir)) {
      const m = /^(ckpt-\d+-\d+)\./.exec(n);
      const stale = isAtomicTempName(n) || (m !== null && !keep.has(m[1]));
      if (!stale) continue;
      // Incomplete checkpoints newer than the kept ones are mid-write by this very process only in
      // theory; writes are synchronous here, so anything not kept is safe to delete.
      try {
        unlinkSync(join(dir, n));
      } catch {
        // raced with another cleanup
      }
    }
  }

  private readJson<T>(id: string, file: string): T {
    const path = join(this.runDir(id), file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ApiError('NOT_FOUND', `run ${id} not found (no ${file})`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ApiError('INTERNAL', `run ${id}: ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
}
