import { getKernels } from '../core/snn/kernels/index';
const { kernels: k } = getKernels();
const time = (name: string, f: () => void) => { f(); let best = 1e9; for (let i = 0; i < 7; i++) { const t = performance.now(); f(); best = Math.min(best, performance.now() - t); } console.log(name.padEnd(30), best.toFixed(2), 'ms'); };
const T = 8, N = 64 * 20 * 576;
const X = new Float32Array(T * N).map(() => Math.random() * 0.5); const S = new Float32Array(T * N), H = new Float32Array(T * N), G = new Float32Array(T * N);
const p = { decay: 0.9, inputScale: 1, bias: 0, threshold: 1, reset: 1 as const, vReset: 0, vInit: 0, refractory: 0, detachReset: false, surrogate: 'arctan' as const, surrogateAlpha: 2 };
time('neuronForward conv1', () => k.neuronForward(p, T, N, X, S, H, null));
time('neuronBackward conv1', () => k.neuronBackward(p, T, N, H, S, X, null, G));
