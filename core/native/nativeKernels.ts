/**
 * `Kernels` backed by the C++ addon (native/). Every size and value is checked here before the call
 * crosses into C++, which trusts its arguments: a bad size must become a KernelArgumentError, never
 * an out-of-bounds write.
 */
import { conv2dBackwardPerImage, conv2dForwardPerImage, convWorkFloats } from '../snn/kernels/convPerImage';
import { referenceKernels } from '../snn/kernels/reference';
import {
  SURROGATE_CODES,
  type Conv2dBatch,
  type Conv2dGeometry,
  type Kernels,
  type NeuronKernelParams,
  type NeuronParamGrads,
  type Pool2dGeometry,
} from '../snn/kernels/types';
import { KernelArgumentError } from './errors';
import { checkBuffer, checkCount, checkDisjoint, checkFinite, checkOptionalBuffer, checkPositive } from './validate';

/** Neuron parameters as the addon reads them: the surrogate as its numeric code. */
export interface NativeNeuronParams {
  decay: number;
  inputScale: number;
  bias: number;
  threshold: number;
  reset: number;
  vReset: number;
  vInit: number;
  refractory: number;
  detachReset: boolean;
  surrogate: number;
  surrogateAlpha: number;
}

export interface NativeInfo {
  /** Threads of the addon's own pool (event-driven and neuron kernels), caller included. */
  threads: number;
  blasThreads: number;
  /** OpenBLAS build configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...". */
  blas: string;
  /** CPU kernel set OpenBLAS picked at run time, e.g. "Haswell". */
  blasCore: string;
  napiVersion: number;
}

/** The raw functions exported by spikelab_native.node (see native/src/*.cc). */
export interface NativeAddon {
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Float32Array,
    aOffset: number,
    B: Float32Array,
    bOffset: number,
    beta: number,
    C: Float32Array,
    cOffset: number,
  ): void;
  spikeMatmul(R: number, K: number, N: number, X: Float32Array, W: Float32Array, out: Float32Array, accumulate: boolean): void;
  spikeMatmulGradW(R: number, K: number, N: number, X: Float32Array, G: Float32Array, dW: Float32Array): void;
  im2col(g: Conv2dGeometry, x: Float32Array, xOffset: number, cols: Float32Array, colsOffset: number): void;
  col2im(g: Conv2dGeometry, cols: Float32Array, colsOffset: number, dx: Float32Array, dxOffset: number): void;
  /** Absent in builds older than the batched convolution; NativeKernels then goes image by image. */
  conv2dForward?(c: Conv2dBatch, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array): void;
  conv2dBackward?(
    c: Conv2dBatch,
    x: Float32Array,
    w: Float32Array,
    gy: Float32Array,
    dW: Float32Array,
    dBias: Float32Array | null,
    dx: Float32Array | null,
  ): void;
  /** Absent in older builds, like the functions below; NativeKernels then uses the reference. */
  avgPool2dForward?(g: Pool2dGeometry, x: Float32Array, out: Float32Array): void;
  avgPool2dBackward?(g: Pool2dGeometry, gy: Float32Array, dx: Float32Array): void;
  /** Absent in builds older than the native encoder; NativeKernels then uses the reference. */
  poissonEncode?(x: Float32Array, n: number, T: number, gain: number, key0: number, key1: number, out: Float32Array): void;
  neuronForward(p: NativeNeuronParams, T: number, N: number, X: Float32Array, S: Float32Array, H: Float32Array, V: Float32Array | null): void;
  neuronBackward(
    p: NativeNeuronParams,
    T: number,
    N: number,
    H: Float32Array,
    S: Float32Array,
    gradS: Float32Array | null,
    gradV: Float32Array | null,
    gradX: Float32Array,
  ): [number, number];
  setThreads(n: number): void;
  info(): NativeInfo;
}

/** Function names the loader requires before it trusts a loaded file to be this addon. */
export const NATIVE_ADDON_FUNCTIONS: readonly (keyof NativeAddon)[] = [
  'gemm',
  'spikeMatmul',
  'spikeMatmulGradW',
  'im2col',
  'col2im',
  'neuronForward',
  'neuronBackward',
  'setThreads',
  'info',
];

const GEOMETRY_FIELDS: readonly (keyof Conv2dGeometry)[] = [
  'channels',
  'height',
  'width',
  'kernelH',
  'kernelW',
  'strideH',
  'strideW',
  'padH',
  'padW',
  'outH',
  'outW',
];

export class NativeKernels implements Kernels {
  readonly name = 'native' as const;

  constructor(private readonly addon: NativeAddon) {}

  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Float32Array,
    aOffset: number,
    B: Float32Array,
    bOffset: number,
    beta: number,
    C: Float32Array,
    cOffset: number,
  ): void {
    checkCount('gemm', 'M', M);
    checkCount('gemm', 'N', N);
    checkCount('gemm', 'K', K);
    checkFinite('gemm', 'alpha', alpha);
    checkFinite('gemm', 'beta', beta);
    checkBuffer('gemm', 'A', A, M * K, aOffset);
    checkBuffer('gemm', 'B', B, K * N, bOffset);
    checkBuffer('gemm', 'C', C, M * N, cOffset);
    checkDisjoint('gemm', 'C', C, cOffset, M * N, 'A', A, aOffset, M * K);
    checkDisjoint('gemm', 'C', C, cOffset, M * N, 'B', B, bOffset, K * N);
    this.addon.gemm(transA === true, transB === true, M, N, K, alpha, A, aOffset, B, bOffset, beta, C, cOffset);
  }

  spikeMatmul(R: number, K: number, N: number, X: Float32Array, W: Float32Array, out: Float32Array, accumulate: boolean): void {
    checkCount('spikeMatmul', 'R', R);
    checkCount('spikeMatmul', 'K', K);
    checkCount('spikeMatmul', 'N', N);
    checkBuffer('spikeMatmul', 'X', X, R * K);
    checkBuffer('spikeMatmul', 'W', W, K * N);
    checkBuffer('spikeMatmul', 'out', out, R * N);
    checkDisjoint('spikeMatmul', 'out', out, 0, R * N, 'X', X, 0, R * K);
    checkDisjoint('spikeMatmul', 'out', out, 0, R * N, 'W', W, 0, K * N);
    this.addon.spikeMatmul(R, K, N, X, W, out, accumulate === true);
  }

  spikeMatmulGradW(R: number, K: number, N: number, X: Float32Array, G: Float32Array, dW: Float32Array): void {
    checkCount('spikeMatmulGradW', 'R', R);
    checkCount('spikeMatmulGradW', 'K', K);
    checkCount('spikeMatmulGradW', 'N', N);
    checkBuffer('spikeMatmulGradW', 'X', X, R * K);
    checkBuffer('spikeMatmulGradW', 'G', G, R * N);
    checkBuffer('spikeMatmulGradW', 'dW', dW, K * N);
    checkDisjoint('spikeMatmulGradW', 'dW', dW, 0, K * N, 'X', X, 0, R * K);
    checkDisjoint('spikeMatmulGradW', 'dW', dW, 0, K * N, 'G', G, 0, R * N);
    this.addon.spikeMatmulGradW(R, K, N, X, G, dW);
  }

  im2col(g: Conv2dGeometry, x: Float32Array, xOffset: number, cols: Float32Array, colsOffset: number): void {
    const { image, columns } = checkGeometry('im2col', g);
    checkBuffer('im2col', 'x', x, image, xOffset);
    checkBuffer('im2col', 'cols', cols, columns, colsOffset);
    checkDisjoint('im2col', 'cols', cols, colsOffset, columns, 'x', x, xOffset, image);
    this.addon.im2col(plainGeometry(g), x, xOffset, cols, colsOffset);
  }

  col2im(g: Conv2dGeometry, cols: Float32Array, colsOffset: number, dx: Float32Array, dxOffset: number): void {
    const { image, columns } = checkGeometry('col2im', g);
    checkBuffer('col2im', 'cols', cols, columns, colsOffset);
    checkBuffer('col2im', 'dx', dx, image, dxOffset);
    checkDisjoint('col2im', 'dx', dx, dxOffset, image, 'cols', cols, colsOffset, columns);
    this.addon.col2im(plainGeometry(g), cols, colsOffset, dx, dxOffset);
  }

  conv2dForward(c: Conv2dBatch, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, work: Float32Array): void {
    const kernel = 'conv2dForward';
    const z = checkConvBatch(kernel, c, x, w, work);
    if (bias !== null) checkBuffer(kernel, 'bias', bias, c.filters);
    checkBuffer(kernel, 'out', out, z.out);
    checkDisjoint(kernel, 'out', out, 0, z.out, 'x', x, 0, z.x);
    checkDisjoint(kernel, 'out', out, 0, z.out, 'w', w, 0, z.w);
    checkDisjoint(kernel, 'out', out, 0, z.out, 'bias', bias, 0, c.filters);
    if (this.addon.conv2dForward) this.addon.conv2dForward(plainBatch(c), x, w, bias, out);
    else conv2dForwardPerImage(this, c, x, w, bias, out, work);
  }

  conv2dBackward(
    c: Conv2dBatch,
    x: Float32Array,
    w: Float32Array,
    gy: Float32Array,
    dW: Float32Array,
    dBias: Float32Array | null,
    dx: Float32Array | null,
    work: Float32Array,
  ): void {
    const kernel = 'conv2dBackward';
    const z = checkConvBatch(kernel, c, x, w, work);
    checkBuffer(kernel, 'gy', gy, z.out);
    checkBuffer(kernel, 'dW', dW, z.w);
    if (dBias !== null) checkBuffer(kernel, 'dBias', dBias, c.filters);
    if (dx !== null) checkBuffer(kernel, 'dx', dx, z.x);
    const inputs = [['x', x, z.x], ['w', w, z.w], ['gy', gy, z.out]] as const;
    const outputs = [['dW', dW, z.w], ['dBias', dBias, c.filters], ['dx', dx, z.x]] as const;
    for (const [on, o, oc] of outputs) {
      if (o === null) continue;
      for (const [iname, i, ic] of inputs) checkDisjoint(kernel, on, o, 0, oc, iname, i, 0, ic);
      for (const [on2, o2, oc2] of outputs) if (on2 !== on) checkDisjoint(kernel, on, o, 0, oc, on2, o2, 0, oc2);
    }
    if (this.addon.conv2dBackward) this.addon.conv2dBackward(plainBatch(c), x, w, gy, dW, dBias, dx);
    else conv2dBackwardPerImage(this, c, x, w, gy, dW, dBias, dx, work);
  }

  avgPool2dForward(g: Pool2dGeometry, x: Float32Array, out: Float32Array): void {
    const { input, output } = checkPoolGeometry('avgPool2dForward', g);
    checkBuffer('avgPool2dForward', 'x', x, input);
    checkBuffer('avgPool2dForward', 'out', out, output);
    checkDisjoint('avgPool2dForward', 'out', out, 0, output, 'x', x, 0, input);
    if (this.addon.avgPool2dForward) this.addon.avgPool2dForward(plainPool(g), x, out);
    else referenceKernels.avgPool2dForward!(g, x, out);
  }

  avgPool2dBackward(g: Pool2dGeometry, gy: Float32Array, dx: Float32Array): void {
    const { input, output } = checkPoolGeometry('avgPool2dBackward', g);
    checkBuffer('avgPool2dBackward', 'gy', gy, output);
    checkBuffer('avgPool2dBackward', 'dx', dx, input);
    checkDisjoint('avgPool2dBackward', 'dx', dx, 0, input, 'gy', gy, 0, output);
    if (this.addon.avgPool2dBackward) this.addon.avgPool2dBackward(plainPool(g), gy, dx);
    else referenceKernels.avgPool2dBackward!(g, gy, dx);
  }

  poissonEncode(x: Float32Array, n: number, T: number, gain: number, key0: number, key1: number, out: Float32Array): void {
    const kernel = 'poissonEncode';
    checkCount(kernel, 'n', n);
    checkCount(kernel, 'T', T);
    checkCount(kernel, 'T·n', T * n);
    checkFinite(kernel, 'gain', gain);
    for (const [name, key] of [['key0', key0], ['key1', key1]] as const) {
      if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
        throw new KernelArgumentError(`${kernel}: expected ${name} to be an unsigned 32-bit integer but received ${key}`);
      }
    }
    checkBuffer(kernel, 'x', x, n);
    checkBuffer(kernel, 'out', out, T * n);
    checkDisjoint(kernel, 'out', out, 0, T * n, 'x', x, 0, n);
    if (this.addon.poissonEncode) this.addon.poissonEncode(x, n, T, gain, key0, key1, out);
    else referenceKernels.poissonEncode!(x, n, T, gain, key0, key1, out);
  }

  neuronForward(p: NeuronKernelParams, T: number, N: number, X: Float32Array, S: Float32Array, H: Float32Array, V: Float32Array | null): void {
    const params = toNativeParams('neuronForward', p);
    checkCount('neuronForward', 'T', T);
    checkCount('neuronForward', 'N', N);
    const size = T * N;
    checkBuffer('neuronForward', 'X', X, size);
    checkBuffer('neuronForward', 'S', S, size);
    checkBuffer('neuronForward', 'H', H, size);
    checkOptionalBuffer('neuronForward', 'V', V, size);
    for (const [name, out] of [['S', S], ['H', H], ['V', V]] as const) {
      if (out === null) continue;
      checkDisjoint('neuronForward', name, out, 0, size, 'X', X, 0, size);
    }
    this.addon.neuronForward(params, T, N, X, S, H, V);
  }

  neuronBackward(
    p: NeuronKernelParams,
    T: number,
    N: number,
    H: Float32Array,
    S: Float32Array,
    gradS: Float32Array | null,
    gradV: Float32Array | null,
    gradX: Float32Array,
  ): NeuronParamGrads {
    const params = toNativeParams('neuronBackward', p);
    checkCount('neuronBackward', 'T', T);
    checkCount('neuronBackward', 'N', N);
    const size = T * N;
    checkBuffer('neuronBackward', 'H', H, size);
    checkBuffer('neuronBackward', 'S', S, size);
    checkOptionalBuffer('neuronBackward', 'gradS', gradS, size);
    checkOptionalBuffer('neuronBackward', 'gradV', gradV, size);
    checkBuffer('neuronBackward', 'gradX', gradX, size);
    // gradX may alias gradS or gradV: each element is read before it is written, in the same step.
    checkDisjoint('neuronBackward', 'gradX', gradX, 0, size, 'H', H, 0, size);
    checkDisjoint('neuronBackward', 'gradX', gradX, 0, size, 'S', S, 0, size);
    const [decay, threshold] = this.addon.neuronBackward(params, T, N, H, S, gradS, gradV, gradX);
    return { decay, threshold };
  }
}

function checkGeometry(kernel: string, g: Conv2dGeometry): { image: number; columns: number } {
  if (typeof g !== 'object' || g === null) {
    throw new KernelArgumentError(`${kernel}: expected a Conv2dGeometry object but received ${String(g)}`);
  }
  for (const f of GEOMETRY_FIELDS) checkCount(kernel, `geometry.${f}`, g[f]);
  for (const f of ['kernelH', 'kernelW', 'strideH', 'strideW'] as const) checkPositive(kernel, `geometry.${f}`, g[f]);
  const image = g.channels * g.height * g.width;
  const columns = g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
  if (!Number.isSafeInteger(columns) || columns > 0x7fffffff) {
    throw new KernelArgumentError(`${kernel}: expected the column buffer to hold fewer than 2^31 floats but the geometry needs ${columns}`);
  }
  return { image, columns };
}

/** Checks a batched convolution's counts and shared buffers; returns the floats of x, w and out. */
function checkConvBatch(kernel: string, c: Conv2dBatch, x: Float32Array, w: Float32Array, work: Float32Array): { x: number; w: number; out: number } {
  if (typeof c !== 'object' || c === null) {
    throw new KernelArgumentError(`${kernel}: expected a Conv2dBatch object but received ${String(c)}`);
  }
  const { image } = checkGeometry(kernel, c.geometry);
  checkCount(kernel, 'samples', c.samples);
  checkPositive(kernel, 'groups', c.groups);
  checkPositive(kernel, 'filters', c.filters);
  checkCount(kernel, 'columnBudget', c.columnBudget);
  if (c.filters % c.groups !== 0) {
    throw new KernelArgumentError(`${kernel}: expected groups ${c.groups} to divide filters ${c.filters}`);
  }
  const g = c.geometry;
  const sizes = {
    x: c.samples * c.groups * image,
    w: c.filters * g.channels * g.kernelH * g.kernelW,
    out: c.samples * c.filters * g.outH * g.outW,
  };
  for (const [name, n] of Object.entries(sizes)) {
    if (!Number.isSafeInteger(n) || n > 0x7fffffff) {
      throw new KernelArgumentError(`${kernel}: expected ${name} to hold fewer than 2^31 floats but the batch needs ${n}`);
    }
  }
  checkBuffer(kernel, 'x', x, sizes.x);
  checkBuffer(kernel, 'w', w, sizes.w);
  checkBuffer(kernel, 'work', work, convWorkFloats(c));
  return sizes;
}

/** Windows must lie inside the plane (no padding), so outH/outW are checked against the input. */
function checkPoolGeometry(kernel: string, g: Pool2dGeometry): { input: number; output: number } {
  if (typeof g !== 'object' || g === null) {
    throw new KernelArgumentError(`${kernel}: expected a Pool2dGeometry object but received ${String(g)}`);
  }
  for (const f of ['planes', 'height', 'width', 'outH', 'outW'] as const) checkCount(kernel, `geometry.${f}`, g[f]);
  for (const f of ['size', 'stride'] as const) checkPositive(kernel, `geometry.${f}`, g[f]);
  if (g.outH > 0 && (g.outH - 1) * g.stride + g.size > g.height) {
    throw new KernelArgumentError(`${kernel}: expected windows inside the input but outH ${g.outH} needs more than ${g.height} rows`);
  }
  if (g.outW > 0 && (g.outW - 1) * g.stride + g.size > g.width) {
    throw new KernelArgumentError(`${kernel}: expected windows inside the input but outW ${g.outW} needs more than ${g.width} columns`);
  }
  const input = g.planes * g.height * g.width;
  const output = g.planes * g.outH * g.outW;
  if (!Number.isSafeInteger(input) || input > 0x7fffffff) {
    throw new KernelArgumentError(`${kernel}: expected the input to hold fewer than 2^31 floats but the geometry needs ${input}`);
  }
  return { input, output };
}

function plainPool(g: Pool2dGeometry): Pool2dGeometry {
  return { planes: g.planes, height: g.height, width: g.width, size: g.size, stride: g.stride, outH: g.outH, outW: g.outW };
}

function plainBatch(c: Conv2dBatch): Conv2dBatch {
  return { geometry: plainGeometry(c.geometry), samples: c.samples, groups: c.groups, filters: c.filters, columnBudget: c.columnBudget };
}

/** A fresh object with exactly the fields C++ reads, so getters or proxies cannot change mid-call. */
function plainGeometry(g: Conv2dGeometry): Conv2dGeometry {
  return {
    channels: g.channels,
    height: g.height,
    width: g.width,
    kernelH: g.kernelH,
    kernelW: g.kernelW,
    strideH: g.strideH,
    strideW: g.strideW,
    padH: g.padH,
    padW: g.padW,
    outH: g.outH,
    outW: g.outW,
  };
}

export function toNativeParams(kernel: string, p: NeuronKernelParams): NativeNeuronParams {
  if (typeof p !== 'object' || p === null) {
    throw new KernelArgumentError(`${kernel}: expected NeuronKernelParams but received ${String(p)}`);
  }
  for (const f of ['decay', 'inputScale', 'bias', 'threshold', 'vReset', 'vInit', 'surrogateAlpha'] as const) {
    checkFinite(kernel, `params.${f}`, p[f]);
  }
  if (p.reset !== 0 && p.reset !== 1 && p.reset !== 2) {
    throw new KernelArgumentError(`${kernel}: expected params.reset to be 0 (hard), 1 (soft) or 2 (none) but received ${String(p.reset)}`);
  }
  checkCount(kernel, 'params.refractory', p.refractory);
  if (!(p.surrogateAlpha > 0)) {
    throw new KernelArgumentError(`${kernel}: expected params.surrogateAlpha to be positive but received ${p.surrogateAlpha}`);
  }
  if (!Object.prototype.hasOwnProperty.call(SURROGATE_CODES, p.surrogate)) {
    throw new KernelArgumentError(
      `${kernel}: expected params.surrogate to be one of ${Object.keys(SURROGATE_CODES).join(', ')} but received ${String(p.surrogate)}`,
    );
  }
  return {
    decay: p.decay,
    inputScale: p.inputScale,
    bias: p.bias,
    threshold: p.threshold,
    reset: p.reset,
    vReset: p.vReset,
    vInit: p.vInit,
    refractory: p.refractory,
    detachReset: p.detachReset === true,
    surrogate: SURROGATE_CODES[p.surrogate],
    surrogateAlpha: p.surrogateAlpha,
  };
}
