import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { createLabService } from '../../../core/lab/service';
import { lowerThreadPriority, WORKER_NICE } from '../../../core/lab/threadPriority';
import { FAKE_METHOD_MODULE, fakeBackend, fakePresets } from '../../fixtures/fakePresets';
import { tempDir, waitFor } from './helpers';

/** Nice value of each thread of this process, from /proc (field 19 of stat, after the comm field). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

const t = tempDir('spikelab-priority-');
afterAll(() => t.cleanup());

describe.runIf(process.platform === 'linux')('worker thread priority', () => {
  it('a training run works below the thread that serves the UI, which keeps its priority', async () => {
    const before = threadNices();
    const main = getPriority(0);
    const svc = createLabService({ workspace: join(t.dir, 'ws'), presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE });
    try {
      const run = await svc.startRun({ preset: 'fake-slow', settings: { epochs: 1, trainLimit: 400, batchSize: 10 } });
      const niced = await waitFor(() => {
        const now = [...threadNices()].filter(([tid, nice]) => !before.has(tid) && nice === WORKER_NICE);
        return now.length > 0 ? now : undefined;
      }, 10_000, 'a worker thread at the worker nice value');
      expect(niced.length).toBeGreaterThan(0);
      expect(getPriority(0)).toBe(main);
      expect(threadNices().get(process.pid)).toBe(before.get(process.pid));
      await svc.stopRun(run.id);
    } finally {
      await svc.close();
    }
  });

  it('leaves other platforms alone, where the nice value is per process', () => {
    const main = getPriority(0);
    expect(lowerThreadPriority(WORKER_NICE, 'darwin')).toBe(false);
    expect(lowerThreadPriority(WORKER_NICE, 'win32')).toBe(false);
    expect(getPriority(0)).toBe(main);
  });
});
