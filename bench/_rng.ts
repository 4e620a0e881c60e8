function gen(n: number, out: Float32Array, thr: Float64Array) {
  let s0 = 123, s1 = 456, s2 = 789, s3 = 1011;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const sh = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= sh; s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = u < thr[i & 1023] ? 1 : 0;
  }
  return s0;
}
function gen2(n: number, out: Uint8Array, thr: Int32Array) {
  let s0 = 123, s1 = 456, s2 = 789, s3 = 1011;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) ^ -2147483648;
    const sh = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= sh; s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = u <= thr[i & 1023] ? 1 : 0;
  }
  return s0;
}
function gen3(n: number, out: Float32Array, thr: Int32Array) {
  let s0 = 123, s1 = 456, s2 = 789, s3 = 1011;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) ^ -2147483648;
    const sh = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= sh; s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = (u - thr[i & 1023]) >>> 31;
  }
  return s0;
}
const n = 2508800; const out = new Float32Array(n); const o8 = new Uint8Array(n);
const thr = new Float64Array(1024).fill(0.15 * 2 ** 32); const ti = new Int32Array(1024).fill((0.15 * 2 ** 32 - 2 ** 31) | 0);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (let k = 0; k < 10; k++) gen(n, out, thr); console.log('f64 thr', ((performance.now() - t) / 10).toFixed(2));
  t = performance.now(); for (let k = 0; k < 10; k++) gen2(n, o8, ti); console.log('i32 u8', ((performance.now() - t) / 10).toFixed(2));
  t = performance.now(); for (let k = 0; k < 10; k++) gen3(n, out, ti); console.log('i32 branchless', ((performance.now() - t) / 10).toFixed(2));
}
function gen4(n: number, out: Float32Array, thr: Int32Array) {
  let s0 = 123, s1 = 456, s2 = 789, s3 = 1011;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) ^ -2147483648;
    const sh = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= sh; s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = +(u <= thr[i & 1023]);
  }
  return s0;
}
function gen5(n: number, out: Float32Array, thr: Float64Array) {
  let s0 = 123, s1 = 456, s2 = 789, s3 = 1011;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const sh = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= sh; s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = 1 - (((u - thr[i & 1023]) / 4294967296 + 1) | 0);
  }
  return s0;
}
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (let k = 0; k < 10; k++) gen4(n, out, ti); console.log('i32 +bool', ((performance.now() - t) / 10).toFixed(2));
  t = performance.now(); for (let k = 0; k < 10; k++) gen5(n, out, thr); console.log('f64 arith', ((performance.now() - t) / 10).toFixed(2));
}
