import { describe, expect, it } from 'vitest';
import type { Param } from '../../../core/snn/layers/layer';
import { clipGradNorm, Optimizer, OptimizerStateError, scheduledLr, type OptimizerConfig } from '../../../core/snn/optim';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../../core/snn/safetensors';

function param(name: string, values: number[], decay = true): Param {
  return { name, shape: [values.length], value: Float32Array.from(values), grad: new Float32Array(values.length), decay };
}

describe('optimisers', () => {
  it('SGD with momentum and Nesterov follow the PyTorch update', () => {
    const p = param('w', [1]);
    const opt = new Optimizer([p], { kind: 'sgd', lr: 0.1, momentum: 0.9 });
    p.grad[0] = 1;
    opt.step(); // b = 1, w = 1 - 0.1
    p.grad[0] = 1;
    opt.step(); // b = 1.9, w = 0.9 - 0.19
    expect(p.value[0]).toBeCloseTo(0.71, 6);
    const q = param('w', [1]);
    const nes = new Optimizer([q], { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true });
    q.grad[0] = 1;
    nes.step(); // b = 1, step g + 0.9 b = 1.9
    expect(q.value[0]).toBeCloseTo(0.81, 6);
  });
  it('Adam first step moves each weight by lr·sign(g); L2 decay enters the gradient', () => {
    const p = param('w', [1, -2, 3]);
    const opt = new Optimizer([p], { kind: 'adam', lr: 0.01 });
    p.grad.set([0.5, -3, 0]);
    opt.step();
    expect(p.value[0]).toBeCloseTo(0.99, 5);
    expect(p.value[1]).toBeCloseTo(-1.99, 5);
    expect(p.value[2]).toBeCloseTo(3, 6);
    // Classic Adam with L2 decay: g' = g + wd w.
    const q = param('w', [2]);
    new Optimizer([q], { kind: 'adam', lr: 0.1, weightDecay: 1 }).step();
    expect(q.value[0]).toBeCloseTo(1.9, 5);
  });
  it('AdamW decouples weight decay (applied to decaying params only)', () => {
    const w = param('w', [2]);
    const b = param('b', [2], false);
    const opt = new Optimizer([w, b], { kind: 'adamw', lr: 0.1, weightDecay: 0.5 });
    opt.step(); // zero grads: only the decoupled decay acts
    expect(w.value[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
    expect(b.value[0]).toBe(2);
  });
  it('state round-trips through safetensors and continues identically', () => {
    const cfg: OptimizerConfig = { kind: 'adam', lr: 0.05 };
    const a = param('w', [1, 2]);
    const b = param('w', [1, 2]);
    const oa = new Optimizer([a], cfg);
    const grads = [[0.3, -0.1], [0.2, 0.4], [-0.5, 0.1]];
    a.grad.set(grads[0]);
    oa.step();
    const ob = new Optimizer([b], cfg);
    b.value.set(a.value);
    ob.loadState(oa.saveState());
    expect(ob.steps).toBe(1);
    for (const g of grads.slice(1)) {
      a.grad.set(g);
      b.grad.set(g);
      oa.step();
      ob.step();
    }
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect(() => new Optimizer([b], { kind: 'sgd', lr: 1 }).loadState(oa.saveState())).toThrow(OptimizerStateError);
    expect(() => new Optimizer([param('other', [1])], cfg).loadState(oa.saveState())).toThrow(/lacks "other.m"/);
  });
  it('clips the global gradient norm', () => {
    const a = param('a', [0, 0]);
    const b = param('b', [0]);
    a.grad.set([3, 0]);
    b.grad.set([4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5);
    expect(Array.from(a.grad).map((v) => +v.toFixed(5))).toEqual([0.6, 0]);
    expect(b.grad[0]).toBeCloseTo(0.8);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1);
  });
  it('schedules: step and cosine', () => {
    expect(scheduledLr(1, { kind: 'step', every: 10, gamma: 0.5 }, 25)).toBe(0.25);
    expect(scheduledLr(1, { kind: 'cosine', totalSteps: 100 }, 0)).toBe(1);
    expect(scheduledLr(1, { kind: 'cosine', totalSteps: 100, minLr: 0.1 }, 50)).toBeCloseTo(0.55);
    expect(scheduledLr(1, { kind: 'cosine', totalSteps: 100 }, 200)).toBeCloseTo(0);
  });
});

describe('safetensors', () => {
  it('round-trips tensors and metadata with an 8-byte aligned header', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'a', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4.5) },
        { name: 'b', shape: [1], data: Float32Array.of(-7) },
      ],
      { who: 'test' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    const d = decodeSafetensors(bytes);
    expect(Array.from(d.tensors.get('a')?.data ?? [])).toEqual([1, 2, 3, 4.5]);
    expect(d.tensors.get('b')?.shape).toEqual([1]);
    expect(d.metadata).toEqual({ who: 'test' });
  });
  function withHeader(header: object, dataBytes: number): Uint8Array {
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  }
  it('rejects malformed files with messages naming the problem', () => {
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/shorter than the 8-byte/);
    const big = new Uint8Array(16);
    new DataView(big.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(big)).toThrow(/header length 1000/);
    expect(() => decodeSafetensors(withHeader({ x: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, 2))).toThrow(/F16.*not supported/);
    expect(() => decodeSafetensors(withHeader({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4))).toThrow(/needs 8/);
    expect(() => decodeSafetensors(withHeader({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4))).toThrow(/truncated/);
    expect(() => decodeSafetensors(withHeader({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8))).toThrow(/overlap/);
    const bad = withHeader({}, 0);
    bad[8] = 0x7b;
    bad[9] = 0x7b;
    expect(() => decodeSafetensors(bad)).toThrow(SafetensorsError);
    expect(() => encodeSafetensors([{ name: 'a', shape: [3], data: new Float32Array(2) }])).toThrow(/needs 3/);
  });
});
