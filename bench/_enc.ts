import { poissonEncoder as oldP } from './_oldenc';
import { poissonEncoder as newP } from '../core/snn/encoders';
import { Rng } from '../core/snn/rng';
const n = 784 * 128;
const x = new Float32Array(n).map((_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 1 : i % 13 === 0 ? 2.5 : i % 17 === 0 ? 1e-9 : Math.random()));
for (const g of [1, 0.7]) {
  const r1 = new Rng(5), r2 = new Rng(5);
  const a = oldP(g).encode(x, 128, 25, r1), b = newP(g).encode(x, 128, 25, r2);
  let diff = 0; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  console.log('gain', g, 'diff', diff, 'state', r1.getState().join() === r2.getState().join());
}
const x2 = new Float32Array(n).fill(0.15);
for (const [name, f] of [['old', oldP(1)], ['new', newP(1)]] as const) {
  const r = new Rng(1); const buf = new Float32Array(25 * n);
  f.encode(x2, 128, 25, r, buf);
  const t = performance.now(); for (let i = 0; i < 20; i++) f.encode(x2, 128, 25, r, buf); console.log(name, ((performance.now() - t) / 20).toFixed(2), 'ms');
}
