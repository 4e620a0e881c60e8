import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTask, setTaskWorkerEntry, TASK_MODULES } from '../../../core/lab/tasks';

describe('runTask', () => {
  it('rejects a function the task module does not export, naming it', async () => {
    await expect(runTask('models', 'noSuchTask', {})).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('models.noSuchTask does not exist') });
  });

  it('rejects an unknown module without loading anything', async () => {
    await expect(runTask('nope' as 'models', 'x', {})).rejects.toMatchObject({ message: expect.stringContaining('unknown task module nope') });
  });

  it('cancels through an abort signal', async () => {
    const ctl = new AbortController();
    const p = runTask('models', 'noSuchTask', {}, { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('cancelled') });
  });
});

describe('runTask from the compiled layout (what the Electron bundle uses)', () => {
  const compiled = join(__dirname, '../../../out/node/core/lab/taskWorker.js');
  const built = existsSync(compiled);
  if (!built) console.warn('[tasks.test] SKIPPED compiled-layout test: out/node is not built (npm run build)');

  it.skipIf(!built)('every task module has a compiled twin, and a task runs through it', async () => {
    for (const rel of Object.values(TASK_MODULES)) expect(existsSync(join(dirname(compiled), `${rel}.js`)), rel).toBe(true);
    setTaskWorkerEntry(compiled);
    try {
      const info = await runTask<{ backend: string; note: string | null }>('engine', 'kernelBackend', null);
      expect(['native', 'reference']).toContain(info.backend);
    } finally {
      setTaskWorkerEntry(null);
    }
  });
});
