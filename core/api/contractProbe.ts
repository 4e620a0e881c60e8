/**
 * Contract, probe domain: the spike monitor's on-demand look inside a run's network for one sample
 * (from a checkpoint or the final weights): every layer's raster, membrane traces with the
 * threshold, firing rates (per channel maps for conv layers) and the input beside them.
 */

export interface ProbeRequest {
  /** Test-set sample index (for event data: the validation split the run was measured on). */
  sample: number;
  /** Checkpoint name (e.g. "ckpt-0-12", as listed in ProbeResult.checkpoints); null = final weights, else the newest checkpoint. */
  checkpoint: string | null;
  /** Neurons whose membrane is traced per layer (at most 16); empty = the most active few. */
  traceNeurons: number[];
  /** Cap on raster events per layer (decimated evenly beyond it), 1..1 000 000. */
  maxEventsPerLayer: number;
}

export interface LayerProbe {
  name: string;
  /** Per-sample output shape, e.g. [500] or [20, 24, 24]. */
  shape: number[];
  neurons: number;
  timesteps: number;
  /** False for an integrator readout: no spikes, its membrane is the decoded potential. */
  spiking: boolean;
  threshold: number | null;
  /** Raster: (times[i], ids[i]) with ids the flat neuron index. */
  times: number[];
  ids: number[];
  /** Spikes in the layer before decimation. */
  totalSpikes: number;
  truncated: boolean;
  /** Spikes per neuron per step, length = neurons. */
  rates: number[];
  membrane: { neuron: number; values: number[] }[];
}

export interface ProbeCheckpoint {
  name: string;
  epoch: number;
  step: number;
}

export interface ProbeResult {
  runId: string;
  /** The checkpoint probed; null = the final weights. */
  checkpoint: string | null;
  /** What else can be probed: the run's complete checkpoints (oldest first) and whether final weights exist. */
  checkpoints: ProbeCheckpoint[];
  hasFinal: boolean;
  sample: number;
  label: number | null;
  predicted: number;
  /** Decoded class scores of the sample. */
  scores: number[];
  timesteps: number;
  /**
   * Input as the network saw it: encoder spikes or event counts as a raster (shape per step), and
   * a [height, width] grey image (pixel values or summed events, scaled to 0..1) where the input
   * has a 2-D layout.
   */
  input: { shape: number[]; binary: boolean; times: number[]; ids: number[]; truncated: boolean; image: number[] | null; imageShape: [number, number] | null };
  layers: LayerProbe[];
}

export interface ProbeApi {
  probeRun(runId: string, request: ProbeRequest): Promise<ProbeResult>;
}

export const PROBE_CHANNELS = {
  probeRun: 'probe:run',
} as const satisfies Record<keyof ProbeApi, string>;
