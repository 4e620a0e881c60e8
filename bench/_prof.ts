import { buildNetwork } from '../core/snn/build';
import { getKernels } from '../core/snn/kernels/index';
import { crossEntropy } from '../core/snn/losses';
import { Optimizer } from '../core/snn/optim';
import { getPreset } from '../core/train/presets';
import type { Layer } from '../core/snn/layers/layer';
const which = process.argv[2] ?? 'mlp';
const preset = which === 'mlp' ? 'mnist-mlp' : 'mnist-conv';
const T = which === 'mlp' ? 25 : 8, B = which === 'mlp' ? 128 : 64;
const { model } = getPreset(preset);
const spec = { ...model, timesteps: T };
const { kernels } = getKernels();
const net = buildNetwork(spec, { kernels, seed: 1 });
const opt = new Optimizer(net.params(), { kind: 'adam', lr: 1e-3 });
const times = new Map<string, number[]>();
const add = (k: string, ms: number) => { const a = times.get(k) ?? []; a.push(ms); times.set(k, a); };
for (const l of net.leafLayers() as Layer[]) {
  const f = l.forward.bind(l), b = l.backward.bind(l);
  l.forward = (x, c) => { const t = performance.now(); const r = f(x, c); add(`${l.name}.fwd${c.training ? '' : '(inf)'}`, performance.now() - t); return r; };
  l.backward = (x, c) => { const t = performance.now(); const r = b(x, c); add(`${l.name}.bwd`, performance.now() - t); return r; };
}
const enc = net.encoder.encode.bind(net.encoder);
(net.encoder as any).encode = (...a: any[]) => { const t = performance.now(); const r = (enc as any)(...a); add('encode', performance.now() - t); return r; };
const x = new Float32Array(B * spec.input.reduce((a, b) => a * b, 1)).fill(0.15);
const y = new Uint8Array(B).map((_, i) => i % 10);
const N = Number(process.argv[3] ?? 10);
for (let i = 0; i < N + 1; i++) {
  if (i === 1) times.clear();
  let t = performance.now();
  const fwd = net.forward(x, B, true); add('TOTAL.fwd', performance.now() - t);
  t = performance.now();
  const loss = crossEntropy(fwd.scores, y, B, fwd.classes); add('loss', performance.now() - t);
  t = performance.now(); opt.zeroGrad(); net.backward(loss.grad); add('TOTAL.bwd', performance.now() - t);
  t = performance.now(); opt.step(); add('adam', performance.now() - t);
}
for (let i = 0; i < N + 1; i++) { const t = performance.now(); net.forward(x, B, false); if (i) add('TOTAL.infer', performance.now() - t); }
for (const [k, v] of times) { v.sort((a, b) => a - b); console.log(k.padEnd(20), 'med', v[v.length >> 1].toFixed(2), 'min', v[0].toFixed(2), 'ms'); }
