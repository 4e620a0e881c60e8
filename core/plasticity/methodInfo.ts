/**
 * Method-picker entries (MethodInfo) of the plasticity rules registered in core/train/index.ts;
 * core/lab/methods lists them beside the backprop methods. Each entry's options come from the
 * same OptionTable the method validates its `methodOptions` with.
 */
import type { MethodInfo } from '../api/contractMethods';
import { CLOPATH_INFO } from './clopathMethod';
import { RESUME_INFO } from './resumeMethod';
import { RSTDP_INFO } from './rStdpMethod';
import { SPIKEPROP_INFO } from './spikePropMethod';
import { STDP_PAIR_INFO, STDP_TRIPLET_INFO } from './stdpMethod';
import { TEMPOTRON_INFO } from './tempotronMethod';

const DIEHL_COOK_INFO: MethodInfo = {
  name: 'diehl-cook',
  title: 'Diehl & Cook unsupervised STDP (MNIST)',
  family: 'plasticity',
  description: 'Conductance-based excitatory/inhibitory network learning MNIST digits with STDP, adaptive thresholds, lateral inhibition and weight normalisation; neurons are labelled from their responses after training. Run settings map to its schedule: epochs = passes, batchSize = images per record, learningRate = η_post, the first dense layer of the model = excitatory neurons.',
  references: ['Diehl & Cook, "Unsupervised learning of digit recognition using spike-timing-dependent plasticity", Front. Comput. Neurosci. 9:99, 2015'],
  options: [],
  presets: [],
};

export const PLASTICITY_METHOD_INFO: MethodInfo[] = [DIEHL_COOK_INFO, TEMPOTRON_INFO, RESUME_INFO, SPIKEPROP_INFO, STDP_PAIR_INFO, STDP_TRIPLET_INFO, RSTDP_INFO, CLOPATH_INFO];
