import { onScopeDispose } from 'vue';

/**
 * Coalesces redraw requests into at most one `draw` per animation frame. Events can arrive many
 * times per frame; drawing per event would waste work the screen never shows.
 * Returns `request()`; the pending frame is cancelled when the owning scope is disposed.
 */
export function useAnimationFrame(draw: (time: number) => void): { request: () => void; cancel: () => void } {
  let handle: number | null = null;

  function run(time: number): void {
    handle = null;
    draw(time);
  }

  function request(): void {
    if (handle === null) handle = requestAnimationFrame(run);
  }

  function cancel(): void {
    if (handle !== null) cancelAnimationFrame(handle);
    handle = null;
  }

  onScopeDispose(cancel);
  return { request, cancel };
}
