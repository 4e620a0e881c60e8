/** Task functions of the methods domain, run in worker threads by core/lab/tasks.ts. */
import { readFileSync } from 'node:fs';
import { ApiError, type RunConfig } from '../../api/contract';
import { DatasetError } from '../../data/idx';
import { getKernels } from '../../snn/kernels/index';
import { WeightsError } from '../../snn/network';
import { loadMnistDataset } from '../../train/bptt';
import { MethodError } from '../../train/methodKit';
import { measureCurves, type MeasuredCurve } from './measure';

export interface MeasureCurveArgs {
  config: RunConfig;
  /** Absolute path of the run's final safetensors weights. */
  weightsPath: string;
  timesteps: number[];
  samples: number;
}

export interface MeasureCurveProgress {
  done: number;
  total: number;
}

/** Accuracy against T of a run's final weights on the first `samples` MNIST test images. */
export async function measureCurve(a: MeasureCurveArgs, report: (p: MeasureCurveProgress) => void): Promise<MeasuredCurve[]> {
  try {
    const weights = new Uint8Array(readFileSync(a.weightsPath));
    const test = await loadMnistDataset('test', a.samples);
    return measureCurves({ config: a.config, weights, test, timesteps: a.timesteps, kernels: getKernels().kernels, progress: (done, total) => report({ done, total }) });
  } catch (err) {
    if (err instanceof WeightsError) throw new ApiError('CONFLICT', `the final weights ${a.weightsPath} do not fit the run's network: ${err.message}`);
    if (err instanceof MethodError) throw new ApiError('BAD_REQUEST', err.message);
    if (err instanceof DatasetError) throw new ApiError('DATASET_INVALID', err.message);
    throw err;
  }
}
