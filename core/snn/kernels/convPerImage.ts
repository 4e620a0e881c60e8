/**
 * Convolution of a batch image by image: im2col into the caller's workspace, one GEMM per image
 * and group (Caffe; Jia et al. 2014). This is the reference form of the batched kernels
 * (`Kernels.conv2dForward/conv2dBackward`) and the path layers take with a backend that lacks
 * them; it needs nothing but the primitive kernels and one image's columns of memory.
 */
import type { Conv2dBatch, Kernels } from './types';

type Primitives = Pick<Kernels, 'gemm' | 'im2col' | 'col2im'>;

/** Floats of `work` the per-image path needs: one image's columns and their gradient. */
export function convWorkFloats(c: Conv2dBatch): number {
  const g = c.geometry;
  return 2 * g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
}

interface Sizes {
  colRows: number;
  outHW: number;
  fg: number;
  inSize: number;
  groupIn: number;
  outSize: number;
}

function sizes(c: Conv2dBatch): Sizes {
  const g = c.geometry;
  const colRows = g.channels * g.kernelH * g.kernelW;
  const outHW = g.outH * g.outW;
  const groupIn = g.channels * g.height * g.width;
  return { colRows, outHW, fg: c.filters / c.groups, inSize: groupIn * c.groups, groupIn, outSize: c.filters * outHW };
}

export function conv2dForwardPerImage(
  k: Primitives,
  c: Conv2dBatch,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  work: Float32Array,
): void {
  const { colRows, outHW, fg, inSize, groupIn, outSize } = sizes(c);
  for (let s = 0; s < c.samples; s++) {
    // With a bias each output plane starts as its bias and the GEMM accumulates onto it (beta = 1).
    if (bias) for (let f = 0; f < c.filters; f++) out.fill(bias[f], s * outSize + f * outHW, s * outSize + (f + 1) * outHW);
    for (let g = 0; g < c.groups; g++) {
      k.im2col(c.geometry, x, s * inSize + g * groupIn, work, 0);
      k.gemm(false, false, fg, outHW, colRows, 1, w, g * fg * colRows, work, 0, bias ? 1 : 0, out, s * outSize + g * fg * outHW);
    }
  }
}

export function conv2dBackwardPerImage(
  k: Primitives,
  c: Conv2dBatch,
  x: Float32Array,
  w: Float32Array,
  gy: Float32Array,
  dW: Float32Array,
  dBias: Float32Array | null,
  dx: Float32Array | null,
  work: Float32Array,
): void {
  const { colRows, outHW, fg, inSize, groupIn, outSize } = sizes(c);
  const dcols = colRows * outHW;
  // col2im accumulates.
  if (dx) dx.fill(0, 0, c.samples * inSize);
  for (let s = 0; s < c.samples; s++) {
    for (let g = 0; g < c.groups; g++) {
      const xOff = s * inSize + g * groupIn;
      const gOff = s * outSize + g * fg * outHW;
      const wOff = g * fg * colRows;
      k.im2col(c.geometry, x, xOff, work, 0);
      // dW_g[fg, colRows] += dY_g[fg, L] · cols^T
      k.gemm(false, true, fg, colRows, outHW, 1, gy, gOff, work, 0, 1, dW, wOff);
      if (!dx) continue;
      // dcols[colRows, L] = W_g^T · dY_g, folded back into the image gradient.
      k.gemm(true, false, colRows, outHW, fg, 1, w, wOff, gy, gOff, 0, work, dcols);
      k.col2im(c.geometry, work, dcols, dx, xOff);
    }
    if (dBias) {
      for (let f = 0; f < c.filters; f++) {
        const base = s * outSize + f * outHW;
        let acc = 0;
        for (let i = 0; i < outHW; i++) acc += gy[base + i];
        dBias[f] += acc;
      }
    }
  }
}
