import { ApiError, type MetricRecord, type RunSummary } from '../../../core/api/contract';
import { domainCalls, type DomainApi } from '../../../core/api/domainCalls';

export function metric(kind: MetricRecord['kind'], epoch: number, step: number, loss: number, extra: Partial<MetricRecord> = {}): MetricRecord {
  return {
    kind,
    epoch,
    step,
    stepsPerEpoch: 4,
    elapsedMs: epoch * 1000 + step * 10,
    loss,
    trainAccuracy: null,
    testAccuracy: null,
    learningRate: 0.001,
    samplesPerSecond: 100,
    firingRates: {},
    ...extra,
  };
}

export function summary(id: string, status: RunSummary['status'] = 'running', createdAt = '2026-01-01T00:00:00Z'): RunSummary {
  return {
    id,
    name: `run ${id}`,
    preset: 'mnist-mlp',
    method: 'bptt',
    dataset: 'mnist',
    status,
    createdAt,
    updatedAt: createdAt,
    epochsDone: 0,
    epochs: 2,
    bestTestAccuracy: null,
    lastCheckpoint: null,
    error: null,
  };
}

/** The domain methods (models, methods, data, board, probe) for fakes that do not use them: each rejects, naming itself. */
export function unusedDomainApi(): DomainApi {
  return domainCalls((method) => Promise.reject(new ApiError('INTERNAL', `${method} is not used in this test`)));
}

/** Minimal in-memory Storage; Node 20 has no localStorage. */
export function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}
