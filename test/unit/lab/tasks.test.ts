import { describe, expect, it } from 'vitest';
import { runTask } from '../../../core/lab/tasks';

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
