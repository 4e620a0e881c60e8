/**
 * What the service needs from the training engine, as injectable interfaces: the preset catalogue
 * and which kernel backend loaded. Tests and embedders can pass their own; the defaults are the
 * engine's (core/train/presets, core/snn/kernels).
 */
import type { BackendName, PresetSummary } from '../api/contract';
import { getKernels } from '../snn/kernels/index';
import type { ModelSpec } from '../snn/spec';
import { getPreset, listPresets } from '../train/presets';

export interface PresetsProvider {
  listPresets(): PresetSummary[];
  /** Throws ApiError('UNKNOWN_PRESET') for a name it does not know. */
  getPreset(name: string): { summary: PresetSummary; model: ModelSpec };
}

export interface BackendInfo {
  backend: BackendName;
  note: string | null;
}

export function defaultPresetsProvider(): PresetsProvider {
  return {
    listPresets,
    getPreset: (name) => {
      const { summary, model } = getPreset(name);
      return { summary, model };
    },
  };
}

/** Loading the addon is deferred to the first getAppInfo so a service starts fast. */
export function defaultBackendInfo(): BackendInfo {
  const { kernels, note } = getKernels();
  return { backend: kernels.name, note };
}
