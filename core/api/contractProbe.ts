/**
 * Contract, probe domain: the spike monitor's on-demand look inside a run's network for one sample
 * (from a checkpoint or the final weights): every layer's raster, membrane traces with the
 * threshold, firing rates (per channel maps for conv layers) and the input beside them.
 */

export interface ProbeRequest {
  /** Test-set sample index. */
  sample: number;
  /** Checkpoint file name; null = final weights, else the newest checkpoint. */
  checkpoint: string | null;
  /** Neurons whose membrane is traced per layer; empty = the most active few. */
  traceNeurons: number[];
  /** Cap on raster events per layer (decimated evenly beyond it). */
  maxEventsPerLayer: number;
}

export interface LayerProbe {
  name: string;
  /** Per-sample output shape, e.g. [500] or [20, 24, 24]. */
  shape: number[];
  neurons: number;
  timesteps: number;
  threshold: number | null;
  /** Raster: (times[i], ids[i]) with ids the flat neuron index. */
  times: number[];
  ids: number[];
  truncated: boolean;
  /** Spikes per neuron per step, length = neurons. */
  rates: number[];
  membrane: { neuron: number; values: number[] }[];
}

export interface ProbeResult {
  runId: string;
  checkpoint: string | null;
  sample: number;
  label: number | null;
  predicted: number;
  timesteps: number;
  /** Input as the network saw it: encoder spikes (raster) or frames; shape per step. */
  input: { shape: number[]; times: number[]; ids: number[]; truncated: boolean; image: number[] | null };
  layers: LayerProbe[];
}

export interface ProbeApi {
  probeRun(runId: string, request: ProbeRequest): Promise<ProbeResult>;
}

export const PROBE_CHANNELS = {
  probeRun: 'probe:run',
} as const satisfies Record<keyof ProbeApi, string>;
