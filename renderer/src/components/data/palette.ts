/** The event colours of the current theme, re-read when the theme changes (CSS variables switch with <html data-theme>). */
import { computed, type ComputedRef } from 'vue';
import { paletteFrom, type Palette } from '../../lib/eventPlaybackPaint';
import { useAppStore } from '../../stores/useAppStore';

export function useEventPalette(): ComputedRef<Palette> {
  const app = useAppStore();
  return computed(() => {
    // The theme is the dependency; the colours come from the CSS it selects.
    void app.theme;
    const style = getComputedStyle(document.documentElement);
    return paletteFrom((name) => style.getPropertyValue(name));
  });
}
