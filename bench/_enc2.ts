import { Rng } from '../core/snn/rng';
function enc(x: Float32Array, T: number, rng: Rng, out: Float32Array, gain: number) {
  const n = x.length;
  const lim = new Int32Array(n); const draw = new Uint8Array(n);
  for (let i = 0; i < n; i++) { const p = gain * x[i]; if (p > 0) { draw[i] = 1; lim[i] = (Math.min(Math.ceil(p * 4294967296), 4294967296) - 1 - 2147483648) | 0; } }
  const st = rng.getState(); let s0 = st[0] | 0, s1 = st[1] | 0, s2 = st[2] | 0, s3 = st[3] | 0;
  for (let t = 0; t < T; t++) { const o = t * n;
    for (let i = 0; i < n; i++) {
      if (draw[i] === 0) { out[o + i] = 0; continue; }
      const m = Math.imul(s1, 5);
      const us = Math.imul((m << 7) | (m >>> 25), 9) ^ -2147483648;
      const sh = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= sh; s3 = (s3 << 11) | (s3 >>> 21);
      out[o + i] = us <= lim[i] ? 1 : 0;
    } }
  rng.setState([s0, s1, s2, s3]); return out;
}
const n = 784 * 128; const x2 = new Float32Array(n).fill(0.15); const buf = new Float32Array(25 * n); const r = new Rng(1);
enc(x2, 25, r, buf, 1);
const t = performance.now(); for (let i = 0; i < 20; i++) enc(x2, 25, r, buf, 1); console.log(((performance.now() - t) / 20).toFixed(2), 'ms');
let s=0; for (const v of buf) s+=v; console.log(s/buf.length);
