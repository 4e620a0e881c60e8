import { onScopeDispose, watch } from 'vue';
import { useRunsStore } from '../stores/useRunsStore';
import { useAnimationFrame } from './useAnimationFrame';

/**
 * Calls `request` whenever the selected run gets new live data or the selection changes; `request`
 * is expected to coalesce into one redraw per animation frame.
 */
export function watchLiveData(request: () => void): void {
  const runs = useRunsStore();
  const off = runs.onLiveData((runId) => {
    if (runId === runs.selectedId) request();
  });
  watch(() => runs.live, request);
  onScopeDispose(off);
}

/**
 * Calls `draw` on the next animation frame whenever the selected run gets new live data or the
 * selection changes. Shared by the charts and the raster so each redraws at most once per frame.
 */
export function useLiveRedraw(draw: () => void): { request: () => void } {
  const { request } = useAnimationFrame(draw);
  watchLiveData(request);
  return { request };
}
