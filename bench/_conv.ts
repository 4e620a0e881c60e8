import { getKernels } from '../core/snn/kernels/index';
const { kernels: k } = getKernels();
const time = (name: string, f: () => void) => { f(); let best = 1e9; for (let i = 0; i < 7; i++) { const t = performance.now(); f(); best = Math.min(best, performance.now() - t); } console.log(name.padEnd(34), best.toFixed(2), 'ms'); };
const S = 512;
for (const [C, H, F] of [[1, 28, 20], [20, 12, 50]]) {
  const kh = 5, oh = H - 4, L = oh * oh, CR = C * 25;
  const g = { channels: C, height: H, width: H, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, outH: oh, outW: oh };
  const x = new Float32Array(S * C * H * H).map(() => (Math.random() < 0.15 ? 1 : 0));
  const W = new Float32Array(F * CR).map(() => Math.random() - 0.5);
  const cols = new Float32Array(CR * L); const out = new Float32Array(S * F * L);
  const colsAll = new Float32Array(S * CR * L);
  time(`C${C} im2col only`, () => { for (let s = 0; s < S; s++) k.im2col(g, x, s * C * H * H, cols, 0); });
  time(`C${C} gemm only`, () => { for (let s = 0; s < S; s++) k.gemm(false, false, F, L, CR, 1, W, 0, cols, 0, 0, out, s * F * L); });
  time(`C${C} one big gemm (F x S*L)`, () => { k.gemm(false, false, F, S * L, CR, 1, W, 0, colsAll, 0, 0, out, 0); });
  time(`C${C} gradW per-sample`, () => { for (let s = 0; s < S; s++) k.gemm(false, true, F, CR, L, 1, out, s * F * L, cols, 0, 1, W, 0); });
  time(`C${C} dcols per-sample`, () => { for (let s = 0; s < S; s++) k.gemm(true, false, CR, L, F, 1, W, 0, out, s * F * L, 0, cols, 0); });
  time(`C${C} col2im per-sample`, () => { for (let s = 0; s < S; s++) k.col2im(g, cols, 0, x, s * C * H * H); });
}
