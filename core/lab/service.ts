/**
 * The lab service: the one implementation of SpikeLabApi. It composes the workspace, the run store,
 * training jobs (worker threads) and the preset catalogue. It never trains on its own thread.
 */
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  API_VERSION,
  ApiError,
  type AppInfo,
  type PresetSummary,
  type RunConfig,
  type RunDetail,
  type RunEvent,
  type RunSummary,
  type SpikeLabApi,
  type TrainRequest,
  type Unsubscribe,
} from '../api/contract';
import type { BoardApi } from '../api/contractBoard';
import type { DataApi } from '../api/contractData';
import type { MethodsApi, PlasticityApi } from '../api/contractMethods';
import type { ModelsApi } from '../api/contractModels';
import type { ProbeApi } from '../api/contractProbe';
import { BoardService } from './board/service';
import type { LabContext } from './context';
import { DataService } from './data/service';
import { MethodsService } from './methods/service';
import { checkModelFits, checkRunOptions, requireMethod } from './methods/catalog';
import { ModelsService } from './models/service';
import { ProbeService } from './probe/service';
import { defaultPresetsProvider, type BackendInfo, type PresetsProvider } from './engineProviders';
import { runTask, setTaskWorkerEntry } from './tasks';
import { TrainJob, resolveWorkerEntry, type JobOutcome, type WorkerEntry } from './jobs';
import { packageVersion } from './packageRoot';
import { DEFAULT_KEEP_CHECKPOINTS, RunStore, type RunOwner } from './runStore';
import { validateRunId, validateSettings, validateTrainRequest } from './validate';
import { DEFAULT_STREAM_LIMITS, type FromWorker, type StreamLimits } from './workerProtocol';
import { describeOsError, openWorkspace, type Workspace } from './workspace';

export interface LabServiceOptions {
  /** Workspace root; falls back to SPIKELAB_HOME, then ~/SpikeLab. */
  workspace?: string | null;
  env?: NodeJS.ProcessEnv;
  host?: AppInfo['host'];
  presets?: PresetsProvider;
  /** Default: asked of a worker thread, so no host (Electron's main process in particular) loads the addon itself. */
  backendInfo?: () => BackendInfo | Promise<BackendInfo>;
  /** Worker script; the Electron bundle passes out/node/core/lab/trainWorker.js. */
  workerEntry?: string | null;
  /** Task worker script (core/lab/tasks.ts); the Electron bundle passes out/node/core/lab/taskWorker.js. */
  taskWorkerEntry?: string | null;
  /** Module exporting getTrainMethod(name) for workers; default core/train/index. */
  methodModule?: string | null;
  /** Runs training at once; more are queued. Default 1: a run already uses every core it can get. */
  maxConcurrentRuns?: number;
  keepCheckpoints?: number;
  limits?: Partial<StreamLimits>;
  /** How long stop waits for the method's own checkpoint before terminating the worker. */
  stopGraceMs?: number;
}

interface ActiveRun {
  job: TrainJob | null;
  resumeFrom: string | null;
  stopRequested: boolean;
  closing: boolean;
}

export class LabService implements SpikeLabApi {
  readonly workspace: Workspace;
  readonly store: RunStore;
  private readonly presets: PresetsProvider;
  private readonly backendInfo: () => BackendInfo | Promise<BackendInfo>;
  private readonly entry: WorkerEntry;
  private readonly limits: StreamLimits;
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: string[] = [];
  private readonly summaries = new Map<string, RunSummary>();
  private backendCache: BackendInfo | null = null;
  private closed = false;
  private readonly instance = randomBytes(6).toString('hex');
  /** status.json writers, one per run: the newest summary wins, writes never overlap or reorder. */
  private readonly statusWriters = new Map<string, { next: RunSummary | null; done: Promise<void> }>();
  /** Domain services (core/lab/<domain>/service.ts); the methods below delegate to them. */
  readonly models: ModelsService;
  readonly methods: MethodsService;
  readonly data: DataService;
  readonly board: BoardService;
  readonly probe: ProbeService;

  constructor(private readonly opts: LabServiceOptions = {}) {
    this.workspace = openWorkspace(opts.workspace, opts.env);
    this.store = new RunStore(this.workspace.runsDir, opts.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS);
    const ctx: LabContext = {
      workspace: this.workspace,
      store: this.store,
      emit: (e) => this.emit(e),
      summary: (id) => this.requireRun(validateRunId(id)),
    };
    this.models = new ModelsService(ctx);
    this.methods = new MethodsService(ctx);
    this.data = new DataService(ctx);
    this.board = new BoardService(ctx);
    this.probe = new ProbeService(ctx);
    this.presets = opts.presets ?? defaultPresetsProvider();
    this.backendInfo = opts.backendInfo ?? (() => runTask<BackendInfo>('engine', 'kernelBackend', null));
    this.entry = resolveWorkerEntry(opts.workerEntry);
    if (opts.taskWorkerEntry) setTaskWorkerEntry(opts.taskWorkerEntry);
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...opts.limits };
    // No worker outlives its process: whatever was active under a dead owner was interrupted.
    this.store.markInterrupted(isOwnerAlive);
    LIVE_INSTANCES.add(this.instance);
  }

  async getAppInfo(): Promise<AppInfo> {
    if (!this.backendCache) {
      try {
        this.backendCache = await this.backendInfo();
      } catch (err) {
        this.backendCache = { backend: 'reference', note: `kernel backend could not be queried: ${describeOsError(err)}` };
      }
    }
    return {
      version: packageVersion(),
      apiVersion: API_VERSION,
      backend: this.backendCache.backend,
      backendNote: this.backendCache.note,
      workspace: this.workspace.root,
      host: this.opts.host ?? 'web',
    };
  }

  async listPresets(): Promise<PresetSummary[]> {
    return this.presets.listPresets();
  }

  async listRuns(): Promise<RunSummary[]> {
    // A status.json still being written is older than the summary in memory; that one is what the
    // run events already announced, so the list must not contradict them.
    return this.store.list().map((s) => (this.statusWriters.has(s.id) ? (this.summaries.get(s.id) ?? s) : s));
  }

  async getRun(runId: string): Promise<RunDetail> {
    const id = validateRunId(runId);
    this.requireRun(id);
    return { summary: this.summaryOf(id), config: this.store.readConfig(id), metrics: this.store.readMetrics(id) };
  }

  async startRun(request: TrainRequest): Promise<RunSummary> {
    this.assertOpen();
    const req = validateTrainRequest(request);
    const preset = this.lookupPreset(req.preset);
    const settings = validateSettings({ ...preset.summary.defaults, ...req.settings });
    const method = req.method ?? preset.summary.method;
    // Checked here, not in the worker: a typo in an option or a model that does not fit the data
    // is the caller's to fix, and should not cost a queued run.
    if (req.method !== undefined) requireMethod(req.method);
    if (req.methodOptions !== undefined) checkRunOptions(method, req.methodOptions);
    if (req.model) checkModelFits(req.model, preset.model, preset.summary.name, method);
    const config: RunConfig = {
      preset: preset.summary.name,
      name: req.name?.trim() || preset.summary.name,
      method,
      dataset: preset.summary.dataset,
      // The spec's timesteps follow the run setting so every consumer of config.json agrees.
      model: { ...(req.model ?? preset.model), timesteps: settings.timesteps },
      settings,
      ...(req.data ? { data: req.data } : {}),
      ...(req.methodOptions !== undefined ? { methodOptions: req.methodOptions } : {}),
    };
    const now = new Date().toISOString();
    const summary: RunSummary = {
      id: this.store.newRunId(config.preset),
      name: config.name,
      preset: config.preset,
      method: config.method,
      dataset: config.dataset,
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      epochsDone: 0,
      epochs: settings.epochs,
      bestTestAccuracy: null,
      lastCheckpoint: null,
      error: null,
    };
    this.store.create(summary, config);
    this.claim(summary.id);
    this.summaries.set(summary.id, summary);
    this.active.set(summary.id, { job: null, resumeFrom: null, stopRequested: false, closing: false });
    this.queue.push(summary.id);
    this.emit({ type: 'status', run: summary });
    this.schedule();
    return this.summaryOf(summary.id);
  }

  async pauseRun(runId: string): Promise<RunSummary> {
    const id = validateRunId(runId);
    const run = this.requireRun(id);
    const act = this.active.get(id);
    if (run.status !== 'running' || !act?.job) throw new ApiError('CONFLICT', `run ${id} is ${run.status}; only a running run can be paused`);
    act.job.send({ type: 'pause' });
    return this.withStatusFlushed(this.update(id, { status: 'paused' }));
  }

  async resumeRun(runId: string): Promise<RunSummary> {
    this.assertOpen();
    const id = validateRunId(runId);
    const run = this.requireRun(id);
    const act = this.active.get(id);
    if (run.status === 'paused' && act?.job) {
      act.job.send({ type: 'resume' });
      return this.withStatusFlushed(this.update(id, { status: 'running' }));
    }
    if (run.status !== 'interrupted' && run.status !== 'stopped') {
      throw new ApiError('CONFLICT', `run ${id} is ${run.status}; only a paused, stopped or interrupted run can be resumed`);
    }
    const ckpt = this.store.latestCheckpoint(id);
    this.log(id, ckpt ? `resume requested from ${ckpt.name}` : 'resume requested; no checkpoint, starting from scratch');
    this.claim(id);
    this.active.set(id, { job: null, resumeFrom: ckpt ? ckpt.name : null, stopRequested: false, closing: false });
    this.queue.push(id);
    const s = this.update(id, { status: 'queued', error: null });
    this.schedule();
    await this.statusFlushed(s.id);
    return this.summaryOf(s.id);
  }

  async stopRun(runId: string): Promise<RunSummary> {
    const id = validateRunId(runId);
    const run = this.requireRun(id);
    const act = this.active.get(id);
    if (run.status === 'queued' && act && !act.job) {
      this.queue.splice(this.queue.indexOf(id), 1);
      this.active.delete(id);
      return this.withStatusFlushed(this.update(id, { status: 'stopped' }));
    }
    if ((run.status !== 'running' && run.status !== 'paused') || !act?.job) {
      throw new ApiError('CONFLICT', `run ${id} is ${run.status}; only a queued, running or paused run can be stopped`);
    }
    act.stopRequested = true;
    await act.job.stop(this.opts.stopGraceMs ?? 30_000);
    await this.statusFlushed(id);
    return this.summaryOf(id);
  }

  async deleteRun(runId: string): Promise<RunSummary> {
    const id = validateRunId(runId);
    const run = this.requireRun(id);
    // A queued or live run has a worker (or will get one) writing into the folder; removing it under
    // the worker would leave a half-written run or a crash, so the user stops it first.
    if (this.active.has(id) || run.status === 'queued' || run.status === 'running' || run.status === 'paused') {
      throw new ApiError('CONFLICT', `run ${id} is ${run.status}; stop it before deleting`);
    }
    // A status write still in flight would otherwise race the removal of its folder.
    await this.statusFlushed(id);
    this.store.delete(id);
    this.summaries.delete(id);
    return run;
  }

  onRunEvent(listener: (event: RunEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // Domain methods: thin delegation, so each domain's behaviour lives (and is tested) in its own folder.
  getLayerCatalog: ModelsApi['getLayerCatalog'] = () => this.models.getLayerCatalog();
  inspectModel: ModelsApi['inspectModel'] = (spec, options) => this.models.inspectModel(spec, options);
  listModels: ModelsApi['listModels'] = () => this.models.listModels();
  saveModel: ModelsApi['saveModel'] = (spec) => this.models.saveModel(spec);
  loadModel: ModelsApi['loadModel'] = (name) => this.models.loadModel(name);
  listMethods: MethodsApi['listMethods'] = () => this.methods.listMethods();
  measureCurve: MethodsApi['measureCurve'] = (runId, request) => this.methods.measureCurve(runId, request);
  listCurves: MethodsApi['listCurves'] = (runId) => this.methods.listCurves(runId);
  stdpWindow: PlasticityApi['stdpWindow'] = (request) => this.methods.stdpWindow(request);
  lastPlasticity: PlasticityApi['lastPlasticity'] = (runId) => this.methods.lastPlasticity(runId);
  inspectData: DataApi['inspectData'] = (path, labels) => this.data.inspectData(path, labels);
  readEventWindow: DataApi['readEventWindow'] = (path, request) => this.data.readEventWindow(path, request);
  previewFrames: DataApi['previewFrames'] = (path, request) => this.data.previewFrames(path, request);
  listBoardPorts: BoardApi['listBoardPorts'] = () => this.board.listBoardPorts();
  connectBoard: BoardApi['connectBoard'] = (path) => this.board.connectBoard(path);
  disconnectBoard: BoardApi['disconnectBoard'] = () => this.board.disconnectBoard();
  getBoardState: BoardApi['getBoardState'] = () => this.board.getBoardState();
  checkBoardModel: BoardApi['checkBoardModel'] = (runId) => this.board.checkBoardModel(runId);
  uploadToBoard: BoardApi['uploadToBoard'] = (runId) => this.board.uploadToBoard(runId);
  runOnBoard: BoardApi['runOnBoard'] = (runId, sample) => this.board.runOnBoard(runId, sample);
  probeRun: ProbeApi['probeRun'] = (runId, request) => this.probe.probeRun(runId, request);

  /** Test and diagnostics hook: kills a run's worker the way a crash would (no checkpoint, no goodbye). */
  async killRunWorker(runId: string): Promise<void> {
    const job = this.active.get(runId)?.job;
    if (!job) throw new ApiError('CONFLICT', `run ${runId} has no worker`);
    await job.kill();
    await this.statusFlushed(runId);
  }

  /** Checkpoints and ends every active run (marked 'interrupted' so it can be resumed next time). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of this.queue.splice(0)) {
      this.active.delete(id);
      this.update(id, { status: 'interrupted' });
    }
    const stops: Promise<unknown>[] = [];
    for (const act of this.active.values()) {
      if (!act.job) continue;
      act.closing = true;
      stops.push(act.job.stop(this.opts.stopGraceMs ?? 30_000));
    }
    await Promise.all(stops);
    await Promise.all([...this.statusWriters.values()].map((w) => w.done));
    await this.board.close();
    this.listeners.clear();
    LIVE_INSTANCES.delete(this.instance);
  }

  private lookupPreset(name: string): ReturnType<PresetsProvider['getPreset']> {
    try {
      return this.presets.getPreset(name);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('INTERNAL', `preset ${name} could not be loaded: ${describeOsError(err)}`);
    }
  }

  private schedule(): void {
    const max = Math.max(1, this.opts.maxConcurrentRuns ?? 1);
    let running = 0;
    for (const a of this.active.values()) if (a.job) running++;
    while (running < max && this.queue.length > 0 && !this.closed) {
      const id = this.queue.shift() as string;
      try {
        this.launch(id);
        running++;
      } catch (err) {
        this.active.delete(id);
        this.update(id, { status: 'failed', error: `could not start the training worker: ${describeOsError(err)}` });
      }
    }
  }

  private launch(id: string): void {
    const act = this.active.get(id);
    if (!act) return;
    const config = this.store.readConfig(id);
    act.job = new TrainJob(
      {
        runId: id,
        runsDir: this.workspace.runsDir,
        config,
        resumeFrom: act.resumeFrom,
        methodModule: this.opts.methodModule ?? null,
        keepCheckpoints: this.store.keepCheckpoints,
        limits: this.limits,
      },
      this.entry,
      {
        message: (msg) => this.onWorkerMessage(id, msg),
        exit: (outcome) => this.onWorkerExit(id, outcome),
      },
    );
    this.update(id, { status: 'running', error: null });
  }

  private onWorkerMessage(id: string, msg: Exclude<FromWorker, { type: 'done' } | { type: 'error' }>): void {
    switch (msg.type) {
      case 'progress':
        this.emit({ type: 'progress', progress: msg.progress });
        return;
      case 'metric': {
        this.emit({ type: 'metric', runId: id, metric: msg.metric });
        const acc = msg.metric.testAccuracy;
        const best = this.summaryOf(id).bestTestAccuracy;
        if (msg.metric.kind === 'epoch' && acc !== null && (best === null || acc > best)) this.update(id, { bestTestAccuracy: acc });
        return;
      }
      case 'spikes':
        this.emit({ type: 'spikes', snapshot: msg.snapshot });
        return;
      case 'curve':
        this.emit({ type: 'curve', curve: msg.curve });
        return;
      case 'plasticity':
        this.emit({ type: 'plasticity', snapshot: msg.snapshot });
        return;
      case 'checkpoint': {
        const s = this.summaryOf(id);
        this.update(id, {
          lastCheckpoint: msg.file,
          epochsDone: Math.max(s.epochsDone, msg.epoch),
          bestTestAccuracy: maxNullable(s.bestTestAccuracy, msg.bestTestAccuracy),
        });
        return;
      }
      case 'log':
        this.log(id, msg.message);
        return;
    }
  }

  private onWorkerExit(id: string, outcome: JobOutcome): void {
    const act = this.active.get(id);
    this.active.delete(id);
    const s = this.summaryOf(id);
    const ckpt = this.store.latestCheckpoint(id);
    const lastCheckpoint = ckpt ? ckpt.weights.file : s.lastCheckpoint;
    if (outcome.kind === 'done') {
      const r = outcome.result;
      const status = act?.closing ? 'interrupted' : r.stopped ? 'stopped' : 'completed';
      this.update(id, {
        status,
        epochsDone: Math.max(s.epochsDone, r.epochsDone),
        bestTestAccuracy: maxNullable(s.bestTestAccuracy, r.bestTestAccuracy),
        lastCheckpoint,
      });
    } else if (outcome.kind === 'error') {
      this.log(id, `failed: ${outcome.message}`);
      this.update(id, { status: 'failed', error: outcome.message, lastCheckpoint });
    } else {
      // Terminated after the stop grace period, or died: the last complete checkpoint is what remains.
      const status = act?.closing ? 'interrupted' : act?.stopRequested ? 'stopped' : 'interrupted';
      this.log(id, outcome.message);
      this.update(id, { status, lastCheckpoint, error: status === 'interrupted' ? outcome.message : null });
    }
    this.schedule();
  }

  /** Marks the run as this instance's, queued or running, so other processes leave it alone. */
  private claim(id: string): void {
    this.store.writeOwner(id, { pid: process.pid, hostname: hostname(), instance: this.instance });
  }

  private requireRun(id: string): RunSummary {
    if (!this.summaries.has(id) && !this.store.exists(id)) throw new ApiError('NOT_FOUND', `run ${id} not found`);
    return this.summaryOf(id);
  }

  private summaryOf(id: string): RunSummary {
    let s = this.summaries.get(id);
    if (!s) {
      s = this.store.readStatus(id);
      this.summaries.set(id, s);
    }
    return s;
  }

  /** The single place a run's summary changes: memory, status.json and subscribers stay in step. */
  private update(id: string, patch: Partial<RunSummary>): RunSummary {
    const next: RunSummary = { ...this.summaryOf(id), ...patch, updatedAt: new Date().toISOString() };
    this.summaries.set(id, next);
    this.persistStatus(next);
    this.emit({ type: 'status', run: next });
    return next;
  }

  /**
   * Writes status.json without blocking this thread (it serves the UI; an fsync can take hundreds of
   * ms on a busy disk). The in-memory summary is authoritative meanwhile; API calls that change a
   * status resolve only once it is on disk (statusFlushed), so a caller that reads the folder next
   * sees it. Summaries that arrive while a write is running coalesce into one more write.
   */
  private persistStatus(summary: RunSummary): void {
    const slot = this.statusWriters.get(summary.id);
    if (slot) {
      slot.next = summary;
      return;
    }
    const w: { next: RunSummary | null; done: Promise<void> } = { next: summary, done: Promise.resolve() };
    this.statusWriters.set(summary.id, w);
    w.done = (async () => {
      while (w.next) {
        const cur = w.next;
        w.next = null;
        try {
          await this.store.writeStatusAsync(cur);
        } catch (err) {
          this.log(cur.id, `could not write status.json: ${describeOsError(err)}`);
        }
      }
      this.statusWriters.delete(summary.id);
    })();
  }

  private async statusFlushed(id: string): Promise<void> {
    await this.statusWriters.get(id)?.done;
  }

  private async withStatusFlushed(s: RunSummary): Promise<RunSummary> {
    await this.statusFlushed(s.id);
    return s;
  }

  private log(id: string, message: string): void {
    try {
      appendFileSync(join(this.store.runDir(id), 'log.txt'), `${new Date().toISOString()} ${message}\n`);
    } catch {
      // a log line is not worth failing a run over
    }
  }

  private emit(event: RunEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // one broken subscriber must not starve the others
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError('CONFLICT', 'the lab service is shutting down');
  }
}

/** Service instances of this process that have not been closed. */
const LIVE_INSTANCES = new Set<string>();

function isOwnerAlive(owner: RunOwner): boolean {
  if (owner.hostname !== hostname()) return false;
  if (owner.pid === process.pid) return LIVE_INSTANCES.has(owner.instance);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

export function createLabService(opts: LabServiceOptions = {}): LabService {
  return new LabService(opts);
}
