/**
 * The data domain through the API dispatcher (the handler table both transports use) on the real
 * sample files: inspect a file and a folder, event windows and their decimation, frame previews
 * equal to toFrames on the same slicing, and typed errors for missing and corrupt files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DataInspection, EventWindow, FramePreview } from '../../../core/api/contractData';
import { readEventFile } from '../../../core/data/events/detect';
import { lowerBound } from '../../../core/data/events/types';
import { applyPipeline } from '../../../core/data/transforms/pipeline';
import { toFrames } from '../../../core/data/transforms/toFrame';
import { dispatchCall, toErrorPayload } from '../../../core/lab/apiDispatch';
import { SMALL_FILE_BYTES } from '../../../core/lab/data/service';
import { createLabService } from '../../../core/lab/service';
import { fakeBackend, fakePresets, FAKE_METHOD_MODULE } from '../../fixtures/fakePresets';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../data/sharedData';
import { tempDir } from './helpers';

const tmp = tempDir('spikelab-data-');
const service = createLabService({ workspace: join(tmp.dir, 'ws'), presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE });
afterAll(async () => {
  await service.close();
  tmp.cleanup();
});

const call = <T>(method: string, ...args: unknown[]): Promise<T> => dispatchCall(service, method, args) as Promise<T>;
async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return toErrorPayload(e);
  }
  throw new Error('expected the call to fail');
}

describe('data domain: errors', () => {
  it('NOT_FOUND for a missing path, BAD_REQUEST for a folder as a sample and for bad requests', async () => {
    expect(await errorOf(call('inspectData', join(tmp.dir, 'nope.aedat'), null))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nope.aedat') });
    expect(await errorOf(call('readEventWindow', tmp.dir, { startUs: 0, durationUs: 1000, maxEvents: 10 }))).toMatchObject({ code: 'BAD_REQUEST' });
    const f = join(tmp.dir, 'one.bin');
    writeFileSync(f, Buffer.from([1, 2, 0x80, 0, 10]));
    expect(await errorOf(call('readEventWindow', f, { startUs: 0, durationUs: -1, maxEvents: 10 }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('durationUs') });
    expect(await errorOf(call('previewFrames', f, { transforms: [{ kind: 'blur' }], slicing: { by: 'frames', frames: 2 }, maxFrames: 2 }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('blur') });
    expect(await errorOf(call('previewFrames', f, { transforms: [{ kind: 'downsample', spatialFactor: 3 }], slicing: { by: 'frames', frames: 2 }, maxFrames: 2 }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('spatialFactor') });
  });

  it('DATASET_INVALID naming the file, byte offset and expectation for a truncated file', async () => {
    const f = join(tmp.dir, 'cut.bin');
    writeFileSync(f, Buffer.from([1, 2, 0x80, 0, 10, 3, 4])); // 7 bytes: one event and 2 stray bytes
    const e = await errorOf(call('inspectData', f, null));
    expect(e.code).toBe('DATASET_INVALID');
    expect(e.message).toContain('cut.bin');
    expect(e.message).toMatch(/TRUNCATED at byte 5: expected a whole 5-byte ATIS event/);
  });

  it.skipIf(!HAS_SHARED_DATA)('DATASET_INVALID from the worker for a corrupt large file', async () => {
    const bytes = readFileSync(sharedPath('prophesee-evt2/sparklers.raw'));
    expect(bytes.length).toBeGreaterThan(SMALL_FILE_BYTES); // so the parse runs in a task worker
    const at = bytes.length - 4 * 1000;
    bytes[at + 3] = 0x50; // word type 5 does not exist in EVT 2.0
    const f = join(tmp.dir, 'bad.raw');
    writeFileSync(f, bytes);
    const e = await errorOf(call('readEventWindow', f, { startUs: 0, durationUs: 1e6, maxEvents: 100 }));
    expect(e.code).toBe('DATASET_INVALID');
    expect(e.message).toContain(`UNKNOWN_PACKET at byte ${at}`);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('data domain on the real samples', () => {
  it('inspects a file: format, size, counts, polarity', async () => {
    const r = await call<DataInspection>('inspectData', sharedPath('aedat2/dvs128/alex_walking_again.aedat'), null);
    expect(r).toMatchObject({ kind: 'file', format: 'aedat2', camera: 'DVS128', width: 128, height: 128, events: 19182, durationUs: 48193156 - 41306606, polarityCounts: { on: 12080, off: 7102 }, samples: 1, classes: [] });
  });

  it('inspects the N-MNIST folder: layout, per-class counts, the first 64 samples', async () => {
    const r = await call<DataInspection>('inspectData', sharedPath(NMNIST_SMALL), null);
    expect(r).toMatchObject({ kind: 'folder', format: 'csv', samples: 1000, width: 34, height: 34, inspected: 64 });
    expect(r.classes.reduce((a, c) => a + c.count, 0)).toBe(1000);
    expect(r.classes.find((c) => c.label === '7')?.count).toBe(117);
    expect(r.sampleList).toHaveLength(64);
    let events = 0;
    for (const s of r.sampleList) events += (await readEventFile(s.path)).t.length;
    expect(r.events).toBe(events);
  });

  it('reads a window with times relative to the first event, evenly decimated past maxEvents (worker-parsed file)', async () => {
    const path = sharedPath('prophesee-evt2/sparklers.raw');
    const whole = await readEventFile(path);
    const t0 = whole.t[0];
    const w = await call<EventWindow>('readEventWindow', path, { startUs: 20_000, durationUs: 30_000, maxEvents: 1000 });
    const a = lowerBound(whole.t, t0 + 20_000), b = lowerBound(whole.t, t0 + 50_000);
    expect(w.totalInWindow).toBe(b - a);
    expect(w.truncated).toBe(true);
    expect(w.x).toHaveLength(1000);
    expect(w.recordingDurationUs).toBe(whole.t[whole.t.length - 1] - t0);
    for (const i of [0, 1, 500, 999]) {
      const j = a + Math.floor((i * (b - a)) / 1000);
      expect([w.x[i], w.y[i], w.p[i], w.t[i]]).toEqual([whole.x[j], whole.y[j], whole.p[j], whole.t[j] - t0]);
    }
    expect(Math.min(...w.t)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...w.t)).toBeLessThan(50_000);
    const all = await call<EventWindow>('readEventWindow', path, { startUs: 20_000, durationUs: 30_000, maxEvents: 2_000_000 });
    expect([all.x.length, all.truncated]).toEqual([b - a, false]);
  });

  it('previews frames equal to toFrames on the same slicing, after the transforms', async () => {
    const path = sharedPath(`${NMNIST_SMALL}/1.bs2`);
    const ev = await readEventFile(path);
    const plain = await call<FramePreview>('previewFrames', path, { transforms: [], slicing: { by: 'frames', frames: 5 }, maxFrames: 8 });
    expect([plain.frames, plain.channels, plain.height, plain.width, plain.framesTotal]).toEqual([5, 2, 34, 34, 5]);
    expect(plain.data).toEqual(Array.from(toFrames(ev, { timeBins: 5 }).data));
    const steps = [{ kind: 'denoise', filterTimeUs: 5000 }, { kind: 'flip', lr: true }] as const;
    const p = await call<FramePreview>('previewFrames', path, { transforms: steps, slicing: { by: 'time', windowUs: 50_000 }, maxFrames: 3 });
    const after = applyPipeline(ev, [...steps]);
    const ref = toFrames(after, { timeWindow: 50_000 });
    expect(p.framesTotal).toBe(ref.shape[0]);
    expect(p.frames).toBe(3);
    expect(p.data).toEqual(Array.from(ref.data.subarray(0, 3 * 2 * 34 * 34)));
    expect([p.eventsBefore, p.eventsAfter]).toEqual([ev.t.length, after.t.length]);
    expect(p.eventsAfter).toBeLessThan(p.eventsBefore);
  });

  it('previews a large recording in a worker the same as in-thread', async () => {
    const path = sharedPath('prophesee-evt2/sparklers.raw');
    const ev = await readEventFile(path);
    const p = await call<FramePreview>('previewFrames', path, { transforms: [{ kind: 'downsample', spatialFactor: 0.25 }], slicing: { by: 'count', events: 100_000 }, maxFrames: 2 });
    const ref = toFrames(applyPipeline(ev, [{ kind: 'downsample', spatialFactor: 0.25 }]), { eventCount: 100_000 });
    expect([p.frames, p.framesTotal, p.width, p.height]).toEqual([2, ref.shape[0], 160, 120]);
    expect(p.data).toEqual(Array.from(ref.data.subarray(0, 2 * 2 * 160 * 120)));
  });
});
