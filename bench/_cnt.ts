const S = new Float32Array(5.9e6).map(() => (Math.random() < 0.1 ? 1 : 0));
function c1(S: Float32Array) { let s = 0; for (let i = 0; i < S.length; i++) s += S[i]; return s; }
function c2(S: Float32Array) { const u = new Int32Array(S.buffer, S.byteOffset, S.length); let s = 0; for (let i = 0; i < u.length; i++) s += u[i] >>> 29; return s; }
for (const f of [c1, c2, c1, c2]) { f(S); const t = performance.now(); for (let k = 0; k < 10; k++) f(S); console.log(f.name, ((performance.now() - t) / 10).toFixed(2), f(S)); }
