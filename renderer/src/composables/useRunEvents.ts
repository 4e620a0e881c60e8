import { onScopeDispose } from 'vue';
import type { RunEvent } from '../../../core/api/contract';
import { useApi } from '../api';
import { useRunsStore } from '../stores/useRunsStore';

/**
 * Feeds the lab service's run events into the runs store for as long as the calling scope lives
 * (App.vue: the whole session). Extra listeners (e.g. a status bar) can be passed in.
 */
export function useRunEvents(extra?: (event: RunEvent) => void): void {
  const runs = useRunsStore();
  const unsubscribe = useApi().onRunEvent((event) => {
    runs.handleEvent(event);
    extra?.(event);
  });
  onScopeDispose(unsubscribe);
}
