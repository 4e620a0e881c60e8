/**
 * A workspace with MNIST-shaped runs for the board domain tests (in-process links and the emulator
 * as a separate process): run folders with weights that fire on Poisson MNIST input, a LabContext
 * that records the events, and an ApiError matcher.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ApiError, type RunConfig, type RunEvent, type RunSummary } from '../../../core/api/contract';
import type { LabContext } from '../../../core/lab/context';
import { RunStore } from '../../../core/lab/runStore';
import { openWorkspace } from '../../../core/lab/workspace';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';

/** 784 -> hidden LIF -> 10 LIF, 12 ticks. */
export function boardSpec(hidden = 40): ModelSpec {
  return {
    format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name: 'board-mlp', input: [784], timesteps: 12, encoder: { type: 'poisson', gain: 1 },
    layers: [
      { type: 'dense', name: 'fc1', units: hidden },
      { type: 'neuron', name: 'lif1', neuron: { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft' } },
      { type: 'dense', name: 'fc2', units: 10 },
      { type: 'neuron', name: 'lif2', neuron: { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft' } },
    ],
    decoder: { type: 'spikeCount' },
  };
}

export interface BoardLab {
  root: string;
  store: RunStore;
  /** Every event emitted through `ctx()`, in order (tests may clear it). */
  events: RunEvent[];
  ctx(): LabContext;
  /** Adds a finished run (or, without weights, one still running) with `hidden` LIF neurons in layer 1. */
  addRun(id: string, withWeights: boolean, hidden?: number): void;
  cleanup(): void;
}

export function createBoardLab(): BoardLab {
  const root = mkdtempSync(join(tmpdir(), 'spikelab-board-'));
  const store = new RunStore(openWorkspace(root).runsDir);
  const events: RunEvent[] = [];
  return {
    root,
    store,
    events,
    ctx: () => ({
      workspace: openWorkspace(root),
      store,
      emit: (e) => events.push(e),
      summary: (id) => {
        if (!store.exists(id)) throw new ApiError('NOT_FOUND', `no run ${id}`);
        return store.readStatus(id);
      },
    }),
    addRun: (id, withWeights, hidden = 40) => {
      const spec = boardSpec(hidden);
      const config: RunConfig = { preset: 'mnist-mlp', name: id, method: 'bptt', dataset: 'mnist', model: spec, settings: { epochs: 1, batchSize: 32, learningRate: 1e-3, timesteps: 12, seed: 1, trainLimit: 64, testLimit: 64 } };
      const now = new Date().toISOString();
      const summary: RunSummary = { id, name: id, preset: 'mnist-mlp', method: 'bptt', dataset: 'mnist', status: withWeights ? 'completed' : 'running', createdAt: now, updatedAt: now, epochsDone: withWeights ? 1 : 0, epochs: 1, bestTestAccuracy: null, lastCheckpoint: null, error: null };
      store.create(summary, config);
      if (!withWeights) return;
      // Random weights scaled up so both layers fire on Poisson MNIST input.
      const net = buildNetwork(spec, { kernels: referenceKernels, seed: 3 });
      for (const p of net.params()) if (p.name.endsWith('.weight')) for (let i = 0; i < p.value.length; i++) p.value[i] *= 6;
      writeFileSync(join(store.runDir(id), 'weights', 'final.safetensors'), net.saveWeights());
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export async function rejects(p: Promise<unknown>, code: ApiError['code'], pattern: RegExp): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).message).toMatch(pattern);
  return err as ApiError;
}

export function boardEvents(events: readonly RunEvent[], phase: Extract<RunEvent, { type: 'board' }>['phase']): Extract<RunEvent, { type: 'board' }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: 'board' }> => e.type === 'board' && e.phase === phase);
}
