/** Training methods by name, for the lab's worker. */
import { ApiError } from '../api/contract';
import { trainAdm } from './adm';
import { trainAsf } from './asf';
import { trainBptt } from './bptt';
import { trainClopath } from '../plasticity/clopathMethod';
import { trainDiehlCook } from '../plasticity/diehlCookMethod';
import { trainResume } from '../plasticity/resumeMethod';
import { trainRStdp } from '../plasticity/rStdpMethod';
import { trainSpikeProp } from '../plasticity/spikePropMethod';
import { trainStdpPair, trainStdpTriplet } from '../plasticity/stdpMethod';
import { trainTempotron } from '../plasticity/tempotronMethod';
import { trainHybrid } from './hybrid';
import { trainSingleSpike } from './singleSpike';
import { trainConversionRate, trainConversionTtfs } from './conversion/index';
import type { TrainMethod } from './types';

const METHODS: Record<string, TrainMethod> = {
  bptt: trainBptt,
  conversion: trainConversionRate,
  'conversion-ttfs': trainConversionTtfs,
  asf: trainAsf,
  adm: trainAdm,
  hybrid: trainHybrid,
  'single-spike': trainSingleSpike,
  'diehl-cook': trainDiehlCook,
  tempotron: trainTempotron,
  resume: trainResume,
  spikeprop: trainSpikeProp,
  'stdp-pair': trainStdpPair,
  'stdp-triplet': trainStdpTriplet,
  rstdp: trainRStdp,
  clopath: trainClopath,
};

export function getTrainMethod(name: string): TrainMethod {
  const m = Object.prototype.hasOwnProperty.call(METHODS, name) ? METHODS[name] : undefined;
  if (!m) throw new ApiError('BAD_REQUEST', `Unknown training method "${name}"; available: ${Object.keys(METHODS).join(', ')}`);
  return m;
}

export { listPresets, getPreset } from './presets';
export type { TrainMethod, TrainHooks, CheckpointState, TrainResult } from './types';
