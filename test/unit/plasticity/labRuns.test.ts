import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../core/api/contract';
import { createLabService, type LabService } from '../../../core/lab/service';
import { tempDir, waitFor } from '../lab/helpers';

/**
 * The rule presets through the real lab service: the run trains in its worker thread, streams
 * plasticity snapshots as run events, and lists its method in the catalogue with the preset.
 */
describe('plasticity presets in the lab service', () => {
  const ws = tempDir('spikelab-plasticity-lab-');
  let lab: LabService;
  const events: RunEvent[] = [];

  beforeAll(() => {
    lab = createLabService({ workspace: ws.dir });
    lab.onRunEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await lab.close();
    ws.cleanup();
  });

  it('trains spikeprop-xor to completion and streams its voltage trace', async () => {
    const run = await lab.startRun({ preset: 'spikeprop-xor', settings: { epochs: 2 } });
    expect(run.method).toBe('spikeprop');
    const done = await waitFor(() => events.find((e) => e.type === 'status' && e.run.id === run.id && ['completed', 'failed'].includes(e.run.status)), 60_000, 'run end');
    expect(done.type === 'status' && done.run.error).toBeNull();
    const summary = (await lab.listRuns()).find((r) => r.id === run.id);
    expect(summary?.status).toBe('completed');
    expect(summary?.bestTestAccuracy).toBe(1);
    const snaps = events.flatMap((e) => (e.type === 'plasticity' && e.snapshot.runId === run.id ? [e.snapshot] : []));
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps[0].trace?.targetSpikesMs).toHaveLength(1);
    const detail = await lab.getRun(run.id);
    expect(detail.metrics.filter((m) => m.kind === 'epoch')).toHaveLength(2);
    // Stored with the run: the newest streamed snapshot survives for the panel of a finished run.
    const stored = await lab.lastPlasticity(run.id);
    expect(stored).toEqual(snaps[snaps.length - 1]);
    await expect(lab.lastPlasticity('no-such-run')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists every rule with its preset, and answers stdpWindow', async () => {
    const methods = await lab.listMethods();
    for (const [name, preset] of [['tempotron', 'tempotron-patterns'], ['resume', 'resume-target'], ['spikeprop', 'spikeprop-xor'], ['stdp-pair', 'stdp-pair-bars'], ['stdp-triplet', 'stdp-triplet-bars'], ['clopath', 'clopath-bars'], ['rstdp', 'rstdp-reward'], ['diehl-cook', 'mnist-diehl-cook']]) {
      expect(methods.find((m) => m.name === name)?.presets, name).toContain(preset);
    }
    const w = await lab.stdpWindow({ rule: 'stdp-triplet', options: { parameterSet: 'visual-cortex-nearest' }, rangeMs: 50, points: 10 });
    expect(w.dw).toHaveLength(10);
  });
});
