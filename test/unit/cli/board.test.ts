/**
 * `spikelab emulate` and `spikelab board` in-process: model/input loading, the same counts as the
 * in-process board and the integer reference, usage errors (exit 2), bad port (exit 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { openInProcessBoard } from '../../../core/board/emulator/inProcess';
import { quantiseNetwork } from '../../../core/board/quantise';
import { QuantReference } from '../../../core/board/referenceSim';
import { makeNetwork, mlpSpec, poissonInput } from '../board/helpers';
import { tempDir } from '../lab/helpers';
import { captureIo } from './cliHarness';

const t = tempDir('spikelab-boardcli-');
afterAll(() => t.cleanup());

const spec = mlpSpec([40, 24, 5], undefined, 12);
const net = makeNetwork(spec, 3);
// A model-spec JSON with its weights beside it.
writeFileSync(join(t.dir, 'mlp.json'), JSON.stringify(spec));
writeFileSync(join(t.dir, 'mlp.safetensors'), net.saveWeights());
// A run folder in a workspace: config.json + weights/final.safetensors.
const runId = 'run-mlp-1';
const runDir = join(t.dir, 'ws', 'runs', runId);
mkdirSync(join(runDir, 'weights'), { recursive: true });
writeFileSync(join(runDir, 'config.json'), JSON.stringify({ preset: 'x', name: 'mlp', method: 'bptt', dataset: 'none', model: spec, settings: { timesteps: 12, seed: 1 } }));
writeFileSync(join(runDir, 'weights', 'final.safetensors'), net.saveWeights());

const spikes = poissonInput(40, 12, 9, 0.4);
const events: [number, number][] = [];
spikes.forEach((ids, tick) => ids.forEach((id) => events.push([tick, id])));
const inputFile = join(t.dir, 'input.json');
writeFileSync(inputFile, JSON.stringify({ ticks: 12, events }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('spikelab emulate', () => {
  it('gives the same counts as the in-process board run and the quantised reference', async () => {
    const r = await cli(['emulate', '--model', join(t.dir, 'mlp.json'), '--input', inputFile, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { outputCounts: number[]; predicted: number; counters: { ticks: number; synOps: number }; estimates: Record<string, { estimate: boolean; energyJ: number }>; ticks: number };

    const q = quantiseNetwork(net);
    const board = await openInProcessBoard();
    try {
      await board.client.commit(await board.client.upload(q));
      const direct = await board.client.runModel(q, spikes);
      expect(out.outputCounts).toEqual(direct.outputCounts);
      expect(out.predicted).toBe(direct.predicted);
      expect(out.counters).toEqual(direct.counters);
    } finally {
      await board.close();
    }
    expect(out.outputCounts).toEqual([...new QuantReference(q).run(spikes).outputCounts]);
    expect(out.outputCounts.some((c) => c > 0)).toBe(true);
    expect(out.ticks).toBe(12);
    expect(out.counters.ticks).toBe(12);
    expect(out.estimates.horowitz45.estimate).toBe(true);
    expect(out.estimates.loihi.energyJ).toBeGreaterThan(0);
  });

  it('loads a run id from the workspace and prints a labelled human summary', async () => {
    const json = await cli(['emulate', '--model', join(t.dir, 'mlp.json'), '--input', inputFile, '--json']);
    const r = await cli(['emulate', '--model', runId, '--workspace', join(t.dir, 'ws'), '--input', inputFile]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`output spike counts: ${(JSON.parse(json.out) as { outputCounts: number[] }).outputCounts.join(' ')}`);
    expect(r.out).toMatch(/estimate \(.*\): energy .* \[estimate, not a measurement\]/);
    const dir = await cli(['emulate', '--model', runDir, '--input', inputFile, '--json']);
    expect(dir.code).toBe(0);
    expect(JSON.parse(dir.out)).toMatchObject({ outputCounts: (JSON.parse(json.out) as { outputCounts: number[] }).outputCounts });
  });

  it('rejects bad input files with a message naming the entry (exit 1)', async () => {
    const bad = join(t.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ticks: 4, events: [[0, 1], [2, 40]] }));
    const r = await cli(['emulate', '--model', join(t.dir, 'mlp.json'), '--input', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('events[1] id 40 is outside 0..39');
    const tick = join(t.dir, 'badtick.json');
    writeFileSync(tick, JSON.stringify({ ticks: 4, events: [[4, 0]] }));
    expect((await cli(['emulate', '--model', join(t.dir, 'mlp.json'), '--input', tick])).err).toContain('tick 4 is outside 0..3');
    const missing = await cli(['emulate', '--model', 'no-such-run', '--workspace', join(t.dir, 'ws'), '--input', inputFile]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no-such-run.*no such file, folder or run/);
  });

  it('a model beyond the board limits: one line per violation, exit 1', async () => {
    const big = mlpSpec([1100, 20, 5], undefined, 4);
    writeFileSync(join(t.dir, 'big.json'), JSON.stringify(big));
    writeFileSync(join(t.dir, 'big.safetensors'), makeNetwork(big, 2).saveWeights());
    const empty = join(t.dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ ticks: 4, events: [] }));
    const r = await cli(['emulate', '--model', join(t.dir, 'big.json'), '--input', empty, '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/capability: \[.*\] layer ".*" has fan-in 1100; the board allows at most 1024/);
    expect(r.err).toContain('does not fit board spikelab-emulator (1 problem above)');
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['emulate', '--input', inputFile])).code).toBe(2);
    const both = await cli(['emulate', '--model', 'x', '--input', inputFile, '--mnist-test-index', '0']);
    expect(both.code).toBe(1); // the model is resolved first: "x" does not exist
    const neither = await cli(['emulate', '--model', join(t.dir, 'mlp.json')]);
    expect(neither.code).toBe(2);
    expect(neither.err).toContain('exactly one of --input FILE or --mnist-test-index N');
    expect((await cli(['board', 'frobnicate'])).code).toBe(2);
    expect((await cli(['board', 'info'])).code).toBe(2);
    expect((await cli(['board', 'emulator'])).code).toBe(2);
    expect((await cli(['board', 'run', '--port', '/dev/null', '--model', 'x', '--bogus'])).code).toBe(2);
  });

  it('documents the input format in the help', async () => {
    const r = await cli(['board', 'help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('{"ticks": T, "events": [[t, id], ...]}');
    expect((await cli(['emulate', '--help'])).out).toContain('--mnist-test-index N');
  });
});

describe('spikelab board on a bad port', () => {
  it('info on a missing device: clear error, exit 1', async () => {
    const r = await cli(['board', 'info', '--port', join(t.dir, 'no-such-tty'), '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/spikelab: error.*cannot open .*no-such-tty/);
  });

  it('upload to a missing device: exit 1 before anything is sent', async () => {
    const r = await cli(['board', 'upload', '--port', join(t.dir, 'no-such-tty'), '--model', join(t.dir, 'mlp.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot open/);
  });
});
