import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../cli/main';
import type { TrainOutcome } from '../../../cli/commands/train';
import type { RunSummary } from '../../../core/api/contract';
import { FAKE_METHOD_MODULE, fakeBackend, fakePresets } from '../../fixtures/fakePresets';
import { tempDir } from '../lab/helpers';
import { captureIo, runCli } from './cliHarness';

const t = tempDir('spikelab-cli-');
afterAll(() => {
  chmodSync(join(t.dir, 'locked'), 0o755);
  t.cleanup();
});
const fakes = { presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE };

describe('spikelab CLI (in process)', () => {
  it('trains a preset with --json and prints one result object on stdout', async () => {
    const c = captureIo(fakes);
    const code = await main(['train', '--preset', 'fake-fast', '--epochs', '2', '--train-limit', '50', '--json', '--workspace', join(t.dir, 'ws')], c.io);
    expect(code).toBe(0);
    // Progress goes to stderr even with --json, so stdout stays one parseable object.
    expect(c.err()).toContain('epoch 2/2');
    const lines = c.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]) as TrainOutcome;
    expect(result).toMatchObject({ status: 'completed', preset: 'fake-fast', epochsDone: 2, finalTestAccuracy: 0.7, bestTestAccuracy: 0.7, error: null });
    expect(result.runDir).toBe(join(t.dir, 'ws', 'runs', result.runId));
  });

  it('without --json: epoch lines on stderr, a final line with accuracy and run id on stdout', async () => {
    const c = captureIo(fakes);
    const code = await main(['train', '--preset', 'fake-fast', '--epochs', '1', '--train-limit', '20', '--workspace', join(t.dir, 'ws')], c.io);
    expect(code).toBe(0);
    expect(c.err()).toMatch(/epoch 1\/1 {2}loss [\d.]+ {2}train 60\.00% {2}test 60\.00%/);
    expect(c.out()).toMatch(/^completed: run \S+, test accuracy 60\.00% \(best 60\.00%\), 1 epoch in \d+s\n$/);
  });

  it('a failing run exits 1 with the reason on stderr', async () => {
    const c = captureIo(fakes);
    const code = await main(['train', '--preset', 'fake-fail', '--train-limit', '20', '--workspace', join(t.dir, 'ws')], c.io);
    expect(code).toBe(1);
    expect(c.err()).toContain('failed: fake failure in epoch 1');
  });

  it('Ctrl-C stops the run with a checkpoint and exits 130', async () => {
    const c = captureIo(fakes);
    const pending = main(['train', '--preset', 'fake-slow', '--epochs', '2', '--train-limit', '400', '--json', '--workspace', join(t.dir, 'ws')], c.io);
    await new Promise((r) => setTimeout(r, 800));
    c.interrupt();
    expect(await pending).toBe(130);
    const out = JSON.parse(c.out()) as TrainOutcome;
    expect(out.status).toBe('stopped');
  });

  it('runs resume continues the stopped run to completion', async () => {
    const list = captureIo(fakes);
    await main(['runs', 'list', '--json', '--workspace', join(t.dir, 'ws')], list.io);
    const stopped = (JSON.parse(list.out()) as RunSummary[]).find((r) => r.status === 'stopped')!;
    const c = captureIo(fakes);
    // Resume keeps the run's own settings (2 epochs of fake-slow).
    const code = await main(['runs', 'resume', stopped.id, '--json', '--workspace', join(t.dir, 'ws')], c.io);
    expect(code).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ runId: stopped.id, status: 'completed', epochsDone: 2 });
    const again = captureIo(fakes);
    expect(await main(['runs', 'resume', stopped.id, '--workspace', join(t.dir, 'ws')], again.io)).toBe(1);
    expect(again.err()).toMatch(/error \[CONFLICT\]: run \S+ is completed/);
  });

  it('bad preset: non-zero exit, message with the code on stderr', async () => {
    const c = captureIo(fakes);
    expect(await main(['train', '--preset', 'nope', '--workspace', join(t.dir, 'ws')], c.io)).toBe(1);
    expect(c.err()).toMatch(/error \[UNKNOWN_PRESET\]: unknown preset "nope"/);
    expect(c.out()).toBe('');
  });

  it('runs list --json lists the runs made above', async () => {
    const c = captureIo(fakes);
    expect(await main(['runs', 'list', '--json', '--workspace', join(t.dir, 'ws')], c.io)).toBe(0);
    const runs = JSON.parse(c.out()) as RunSummary[];
    expect(runs.length).toBe(4);
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'completed', 'completed', 'failed']);
    const table = captureIo(fakes);
    await main(['runs', 'list', '--workspace', join(t.dir, 'ws')], table.io);
    expect(table.out().split('\n')[0]).toMatch(/^ID\s+STATUS\s+EPOCHS\s+BEST\s+NAME$/);
  });

  it('SPIKELAB_HOME selects the workspace when --workspace is absent', async () => {
    const c = captureIo(fakes, { SPIKELAB_HOME: join(t.dir, 'from-env') });
    expect(await main(['runs', 'list'], c.io)).toBe(0);
    expect(c.out()).toBe('no runs\n');
  });
});

describe('spikelab CLI (child process)', () => {
  it('help exits 0; unknown command and flag exit 2 with a message on stderr', () => {
    const help = runCli(['help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('spikelab train <config.json> | --preset NAME');
    const unknown = runCli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stdout).toBe('');
    const flag = runCli(['runs', 'list', '--jsn']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('runs list: unknown option --jsn');
  });

  it('runs list --json on an empty workspace prints []', () => {
    const r = runCli(['runs', 'list', '--json', '--workspace', join(t.dir, 'empty')]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('an unwritable workspace exits 1 naming the path and the OS error', () => {
    const locked = join(t.dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const target = join(locked, 'ws');
    const r = runCli(['runs', 'list', '--workspace', target]);
    if (process.getuid?.() === 0) {
      // root ignores mode bits; a path under a regular file fails for everyone instead.
      const file = join(t.dir, 'cli.test.file');
      writeFileSync(file, '');
      const r2 = runCli(['runs', 'list', '--workspace', join(file, 'ws')]);
      expect(r2.status).toBe(1);
      expect(r2.stderr).toContain(`error [WORKSPACE_UNWRITABLE]: workspace ${join(file, 'ws')} is not writable: ENOTDIR`);
      return;
    }
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error [WORKSPACE_UNWRITABLE]: workspace ${target} is not writable: EACCES`);
  });
});
