/**
 * A scripted SpikeLabApi that runs inside the page (installed with page.addInitScript as
 * window.spikelab, the same slot the Electron preload uses). It lets the renderer tests drive
 * states the real trainer reaches slowly or not at all: very dense rasters, failures, long
 * histories. The function must be self-contained: Playwright ships it to the page as source.
 */
import type { MetricRecord, PresetSummary, RunEvent, RunSummary, SpikeLabApi, SpikeSnapshot } from '../../core/api/contract';
import type { DomainApi } from '../../core/api/domainCalls';

export interface MockOptions {
  /** Spikes per snapshot and raster shape. */
  spikesPerSnapshot: number;
  neurons: number;
  timesteps: number;
  /** Milliseconds between simulated batches. */
  batchMs: number;
}

export function installMockApi(opts: MockOptions): void {
  const listeners = new Set<(e: RunEvent) => void>();
  const emit = (e: RunEvent): void => listeners.forEach((l) => l(e));
  const now = (): string => new Date().toISOString();
  const defaults = { epochs: 2, batchSize: 32, learningRate: 0.001, timesteps: opts.timesteps, seed: 1, trainLimit: 2048, testLimit: 500 };
  const presets: PresetSummary[] = [
    { name: 'mnist-mlp', title: 'MNIST · MLP (LIF, BPTT)', description: 'Two dense LIF layers trained with surrogate gradients.', dataset: 'mnist', method: 'bptt', defaults },
    { name: 'broken', title: 'Broken preset', description: 'Fails to start (tests the error toast).', dataset: 'none', method: 'bptt', defaults },
  ];
  const runs = new Map<string, { summary: RunSummary; metrics: MetricRecord[]; timer: number | null; step: number; epoch: number }>();
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;

  const record = (kind: MetricRecord['kind'], epoch: number, step: number, spe: number): MetricRecord => {
    const t = epoch + (step + 1) / spe;
    const loss = 2.3 * Math.exp(-1.2 * t) + 0.15 + 0.05 * rand();
    const acc = Math.min(0.99, 1 - loss / 2.5);
    return { kind, epoch, step, stepsPerEpoch: spe, elapsedMs: t * 1000, loss, trainAccuracy: acc, testAccuracy: kind === 'epoch' ? acc - 0.02 : null, learningRate: 0.001, samplesPerSecond: 850 + 50 * rand(), firingRates: { hidden: 0.12 } };
  };

  // A finished run with a history, to exercise getRun loading.
  const doneMetrics: MetricRecord[] = [];
  for (let e = 0; e < 3; e++) {
    for (let s = 0; s < 40; s++) doneMetrics.push(record('batch', e, s, 40));
    doneMetrics.push(record('epoch', e, 40, 40));
  }
  const done: RunSummary = { id: 'done-1', name: 'mnist-mlp (finished)', preset: 'mnist-mlp', method: 'bptt', dataset: 'mnist', status: 'completed', createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-01T10:05:00Z', epochsDone: 3, epochs: 3, bestTestAccuracy: 0.93, lastCheckpoint: 'ckpt-3.safetensors', error: null };
  runs.set(done.id, { summary: done, metrics: doneMetrics, timer: null, step: 0, epoch: 3 });
  // A second finished run that learned faster, so the compare chart has two distinct curves.
  const fastMetrics: MetricRecord[] = doneMetrics.map((m) => ({ ...m, loss: m.loss * 0.7, trainAccuracy: m.trainAccuracy === null ? null : Math.min(0.99, m.trainAccuracy + 0.04), testAccuracy: m.testAccuracy === null ? null : Math.min(0.99, m.testAccuracy + 0.03) }));
  const fast: RunSummary = { ...done, id: 'done-2', name: 'mnist-mlp (lr 0.01)', createdAt: '2026-01-02T10:00:00Z', updatedAt: '2026-01-02T10:03:20Z', bestTestAccuracy: 0.96 };
  runs.set(fast.id, { summary: fast, metrics: fastMetrics, timer: null, step: 0, epoch: 3 });

  const setStatus = (id: string, status: RunSummary['status']): RunSummary => {
    const r = runs.get(id);
    if (!r) throw { code: 'NOT_FOUND', message: `run ${id} not found` };
    r.summary = { ...r.summary, status, updatedAt: now() };
    emit({ type: 'status', run: r.summary });
    return r.summary;
  };

  const tick = (id: string): void => {
    const r = runs.get(id);
    if (!r || r.summary.status !== 'running') return;
    const spe = 50;
    const m = record('batch', r.epoch, r.step, spe);
    r.metrics.push(m);
    emit({ type: 'metric', runId: id, metric: m });
    emit({ type: 'progress', progress: { runId: id, epoch: r.epoch, step: r.step + 1, stepsPerEpoch: spe, samplesPerSecond: m.samplesPerSecond ?? 0, etaSeconds: ((r.summary.epochs - r.epoch) * spe - r.step) * (opts.batchMs / 1000) } });
    const times: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < opts.spikesPerSnapshot; i++) {
      times.push(Math.floor(rand() * opts.timesteps));
      ids.push(Math.floor(Math.pow(rand(), 1.5) * opts.neurons));
    }
    const snap: SpikeSnapshot = { runId: id, layer: 'hidden', epoch: r.epoch, step: r.step, timesteps: opts.timesteps, neurons: opts.neurons, times, ids, truncated: false };
    emit({ type: 'spikes', snapshot: snap });
    r.step++;
    if (r.step === spe) {
      const em = record('epoch', r.epoch, spe, spe);
      r.metrics.push(em);
      emit({ type: 'metric', runId: id, metric: em });
      r.epoch++;
      r.step = 0;
      const best = Math.max(r.summary.bestTestAccuracy ?? 0, em.testAccuracy ?? 0);
      r.summary = { ...r.summary, epochsDone: r.epoch, bestTestAccuracy: best };
      if (r.epoch >= r.summary.epochs) {
        if (r.timer !== null) clearInterval(r.timer);
        r.timer = null;
        setStatus(id, 'completed');
      } else emit({ type: 'status', run: r.summary });
    }
  };

  let counter = 0;
  // The views these tests drive use only the run methods; the domain views are tested against the real host.
  // Listed by hand: this function runs in the page as source, so it cannot call domainCalls.
  const DOMAIN_METHODS = ['getLayerCatalog', 'inspectModel', 'listModels', 'saveModel', 'loadModel', 'listMethods', 'measureCurve', 'listCurves', 'stdpWindow', 'lastPlasticity', 'inspectData', 'readEventWindow', 'previewFrames', 'listBoardPorts', 'connectBoard', 'disconnectBoard', 'getBoardState', 'checkBoardModel', 'uploadToBoard', 'runOnBoard', 'probeRun'] as const satisfies readonly (keyof DomainApi)[];
  // A domain method added to the contract but not listed here fails the typecheck on this line.
  const everyMethodListed: [Exclude<keyof DomainApi, (typeof DOMAIN_METHODS)[number]>] extends [never] ? true : false = true;
  void everyMethodListed;
  const domain = Object.fromEntries(DOMAIN_METHODS.map((m) => [m, () => Promise.reject({ code: 'INTERNAL', message: `${m} is not available in the mock API` })])) as unknown as DomainApi;
  const api: SpikeLabApi = {
    ...domain,
    // The Train view asks for these on every load.
    listMethods: async () => [{ name: 'bptt', title: 'BPTT (surrogate gradients)', family: 'spatio-temporal', description: 'Backprop through time.', references: [], options: [], presets: ['mnist-mlp'] }],
    listCurves: async () => [],
    getAppInfo: async () => ({ version: '0.1.0', apiVersion: 1, backend: 'reference', backendNote: 'mock API', workspace: '/tmp/spikelab-mock', host: 'web' }),
    listPresets: async () => presets,
    listRuns: async () => [...runs.values()].map((r) => r.summary),
    getRun: async (id) => {
      const r = runs.get(id);
      if (!r) throw { code: 'NOT_FOUND', message: `run ${id} not found` };
      return { summary: r.summary, config: { preset: r.summary.preset, name: r.summary.name, method: 'bptt', dataset: 'mnist', model: { format: 'spikelab.model', version: 1 } as never, settings: defaults }, metrics: r.metrics.slice() };
    },
    startRun: async (req) => {
      if (req.preset === 'broken') throw { code: 'DATASET_INVALID', message: 'dataset "none" has no files' };
      const id = `run-${++counter}`;
      const summary: RunSummary = { id, name: req.name ?? req.preset, preset: req.preset, method: 'bptt', dataset: 'mnist', status: 'running', createdAt: now(), updatedAt: now(), epochsDone: 0, epochs: req.settings?.epochs ?? 2, bestTestAccuracy: null, lastCheckpoint: null, error: null };
      const r = { summary, metrics: [] as MetricRecord[], timer: null as number | null, step: 0, epoch: 0 };
      runs.set(id, r);
      emit({ type: 'status', run: summary });
      r.timer = window.setInterval(() => tick(id), opts.batchMs);
      return summary;
    },
    pauseRun: async (id) => setStatus(id, 'paused'),
    resumeRun: async (id) => setStatus(id, 'running'),
    stopRun: async (id) => {
      const r = runs.get(id);
      if (r?.timer != null) clearInterval(r.timer);
      return setStatus(id, 'stopped');
    },
    deleteRun: async (id) => {
      const r = runs.get(id);
      if (!r) throw { code: 'NOT_FOUND', message: `run ${id} not found` };
      if (['queued', 'running', 'paused'].includes(r.summary.status)) throw { code: 'CONFLICT', message: `run ${id} is ${r.summary.status}; stop it before deleting` };
      runs.delete(id);
      return r.summary;
    },
    onRunEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  (window as unknown as { spikelab: SpikeLabApi }).spikelab = api;
}
