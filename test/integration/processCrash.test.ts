/** SIGKILL the whole process mid-run: the next service finds an interrupted, resumable run. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createLabService } from '../../core/lab/service';
import { FAKE_METHOD_MODULE, fakeBackend, fakePresets } from '../fixtures/fakePresets';
import { decodeFirstTensor } from '../fixtures/fakeTrainMethod';
import { tempDir, waitFor } from '../unit/lab/helpers';

const t = tempDir('spikelab-crash-');
afterAll(() => t.cleanup());

describe('process killed mid-run', () => {
  it('leaves a readable run that resumes from its last checkpoint', async () => {
    const ws = join(t.dir, 'ws');
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(__dirname, '..', 'fixtures', 'trainUntilKilled.ts'), ws], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    // Two checkpoints in, so the newest is a mid-epoch one written while batches kept running.
    const m = await waitFor(() => (out.match(/CHECKPOINT \S+ \S+/g)?.length ?? 0) >= 2 && /CHECKPOINT (\S+)/.exec(out), 30_000, 'two checkpoints');
    const runId = m[1];
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const svc = createLabService({ workspace: ws, presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE });
    try {
      const detail = await svc.getRun(runId);
      expect(detail.summary.status).toBe('interrupted');
      const ckpt = svc.store.latestCheckpoint(runId)!;
      expect(detail.summary.lastCheckpoint).toBe(ckpt.weights.file);
      expect(decodeFirstTensor(svc.store.loadCheckpoint(runId, ckpt).weights)[0]).toBeCloseTo((ckpt.epoch * 100 + ckpt.step) * 0.01, 3);
      expect(detail.metrics.length).toBeGreaterThan(0);
      await svc.resumeRun(runId);
      await waitFor(() => svc.store.readStatus(runId).status === 'completed', 60_000, 'completion after resume');
      const done = await svc.getRun(runId);
      expect(done.summary.epochsDone).toBe(3);
      expect(done.metrics.filter((r) => r.kind === 'epoch').map((r) => r.epoch)).toEqual([0, 1, 2]);
    } finally {
      await svc.close();
    }
  });
});
