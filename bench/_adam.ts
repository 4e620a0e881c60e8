import { Optimizer as O1 } from './_oldoptim';
import { Optimizer as O2 } from '../core/snn/optim';
const mk = () => [{ name: 'w', shape: [397000], value: new Float32Array(397000).map(() => Math.random()), grad: new Float32Array(397000).map(() => Math.random() - 0.5), decay: true }];
const a = new O1(mk(), { kind: 'adam', lr: 1e-3 }), b = new O2(mk(), { kind: 'adam', lr: 1e-3 });
for (let r = 0; r < 3; r++) for (const [n, o] of [['old', a], ['new', b]] as const) { o.step(); const t = performance.now(); for (let i = 0; i < 20; i++) o.step(); console.log(n, ((performance.now() - t) / 20).toFixed(2)); }
