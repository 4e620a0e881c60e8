/**
 * The one place layers and trainers get their kernels from: the native addon when it loads, else the
 * reference kernels with a note saying why (surfaced in app info). Memoised per process (per worker).
 */
import { loadKernels } from '../../native/loader';
import type { Kernels } from './types';

export type { Kernels } from './types';
export { referenceKernels } from './reference';

let chosen: { kernels: Kernels; note: string | null } | null = null;

export function getKernels(): { kernels: Kernels; note: string | null } {
  if (chosen === null) {
    const loaded = loadKernels();
    chosen = { kernels: loaded.kernels, note: loaded.note };
  }
  return chosen;
}
