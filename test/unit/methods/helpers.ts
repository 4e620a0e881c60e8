import type { MetricRecord, RunConfig, TrainSettings } from '../../../core/api/contract';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type LayerSpec, type ModelSpec } from '../../../core/snn/spec';
import type { CheckpointState, TrainHooks } from '../../../core/train/types';

export function mlp(name: string, layers: LayerSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return { format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name, input: [784], timesteps: 1, encoder: { type: 'direct' }, layers, decoder: { type: 'rate' }, ...extra };
}

export function runConfig(method: string, model: ModelSpec, settings: Partial<TrainSettings>, methodOptions: Record<string, unknown> = {}): RunConfig {
  const base: TrainSettings = { epochs: 1, batchSize: 50, learningRate: 1e-3, timesteps: 8, seed: 1, trainLimit: 1000, testLimit: 300 };
  const c: RunConfig & { methodOptions: Record<string, unknown> } = { preset: '', name: 't', method, dataset: 'mnist', model, settings: { ...base, ...settings }, methodOptions };
  return c;
}

export function recordingHooks(opts: { stopAfter?: number } = {}): TrainHooks & { metrics: MetricRecord[]; checkpoints: CheckpointState[]; logs: string[] } {
  let calls = 0;
  const h = {
    metrics: [] as MetricRecord[],
    checkpoints: [] as CheckpointState[],
    logs: [] as string[],
    metric: (m: MetricRecord) => h.metrics.push(m),
    wantSpikes: () => false,
    spikes: () => {},
    checkpoint: async (c: CheckpointState) => {
      h.checkpoints.push(c);
    },
    control: async () => (opts.stopAfter !== undefined && calls++ >= opts.stopAfter ? ('stop' as const) : ('continue' as const)),
    log: (m: string) => h.logs.push(m),
    curve: () => {},
    wantPlasticity: () => false,
    plasticity: () => {},
  };
  return h;
}
