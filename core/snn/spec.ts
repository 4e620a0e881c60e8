/**
 * Versioned JSON model spec. (Initial shape; the engine work extends it with the full layer set,
 * JSON Schema and validation.)
 */
export const MODEL_SPEC_FORMAT = 'spikelab.model';
export const MODEL_SPEC_VERSION = 1;

export interface ModelSpec {
  format: typeof MODEL_SPEC_FORMAT;
  version: number;
  name: string;
  /** Per-sample input shape, e.g. [784] or [1, 28, 28]. */
  input: number[];
  timesteps: number;
  encoder: Record<string, unknown> & { type: string };
  layers: Array<Record<string, unknown> & { type: string; name?: string }>;
  decoder: Record<string, unknown> & { type: string };
}
