/**
 * A finished run as the board sees it: the trained network (config.json + weights/final.safetensors),
 * its quantisation for given board limits, and MNIST test samples encoded with the model's own
 * encoder. Runs in the board task worker (core/lab/board/tasks.ts); errors are ApiErrors that name
 * the run and the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type RunConfig } from '../../api/contract';
import type { Capabilities } from '../../board/messages';
import { quantiseNetwork, type QuantNetwork, type QuantiseOptions } from '../../board/quantise';
import { loadMnist } from '../../data/mnist';
import { buildNetwork } from '../../snn/build';
import { referenceKernels } from '../../snn/kernels/reference';
import type { Network } from '../../snn/network';

export interface RunRef {
  runId: string;
  /** runs/<id> */
  runDir: string;
}

export function readRunConfig(ref: RunRef): RunConfig {
  const file = join(ref.runDir, 'config.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunConfig;
  } catch (e) {
    throw new ApiError('INTERNAL', `run ${ref.runId}: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The trained network; CONFLICT when the run has no final weights yet. */
export function loadRunNetwork(ref: RunRef): { net: Network; config: RunConfig } {
  const config = readRunConfig(ref);
  const weights = join(ref.runDir, 'weights', 'final.safetensors');
  if (!existsSync(weights)) throw new ApiError('CONFLICT', `run ${ref.runId} has no final weights (weights/final.safetensors): only completed runs can go to the board`);
  // Runs train with the settings' timesteps; the board must run the same number of ticks.
  const spec = config.settings?.timesteps ? { ...config.model, timesteps: config.settings.timesteps } : config.model;
  let net: Network;
  try {
    net = buildNetwork(spec, { kernels: referenceKernels, seed: config.settings?.seed ?? 1 });
  } catch (e) {
    throw new ApiError('INTERNAL', `run ${ref.runId}: config.json holds a model that does not build: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    net.loadWeights(new Uint8Array(readFileSync(weights)));
  } catch (e) {
    throw new ApiError('INTERNAL', `run ${ref.runId}: ${weights} is unreadable or does not match the model: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { net, config };
}

/** The widest the board allows within what the quantiser targets (int8 first: half the upload). */
export function quantiseOptionsFor(caps: Capabilities): QuantiseOptions {
  return { weightBits: caps.weightBits.includes(8) ? 8 : 16, membraneBits: Math.min(24, caps.membraneBits), leak: caps.leakModes.includes('shift') ? 'shift' : 'subtract' };
}

export function quantiseRun(net: Network, caps: Capabilities): QuantNetwork {
  return quantiseNetwork(net, quantiseOptionsFor(caps));
}

export interface TestSamples {
  /** Pixel values in [0, 1], sample-major. */
  x: Float32Array[];
  labels: number[];
  /** Size of the whole test split, for range messages. */
  available: number;
}

/** MNIST test images `from .. from+count-1` (fewer at the end of the set). */
export async function mnistTestSamples(from: number, count: number): Promise<TestSamples> {
  let mn;
  try {
    mn = await loadMnist('test', { limit: from + count });
  } catch (e) {
    throw new ApiError('DATASET_INVALID', `MNIST test set: ${e instanceof Error ? e.message : String(e)}`);
  }
  const px = mn.rows * mn.cols;
  const x: Float32Array[] = [];
  const labels: number[] = [];
  for (let s = from; s < mn.count; s++) {
    const img = new Float32Array(px);
    for (let i = 0; i < px; i++) img[i] = mn.images[s * px + i] / 255;
    x.push(img);
    labels.push(mn.labels[s]);
  }
  return { x, labels, available: mn.count };
}

/** Which test set the board can draw samples from for this run; null when none is wired up. */
export function boardDataset(config: RunConfig, net: Network): 'mnist' | null {
  const inputs = net.spec.input.reduce((a, b) => a * b, 1);
  return config.dataset === 'mnist' && !config.data && inputs === 784 ? 'mnist' : null;
}
