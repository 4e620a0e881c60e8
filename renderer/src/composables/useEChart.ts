import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { init, type ChartOption, type EChartsType } from '../lib/echarts';
import { useAppStore } from '../stores/useAppStore';
import { useAnimationFrame } from './useAnimationFrame';

/** A CSS variable of the current theme (charts take their colours from the same variables as the UI). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Axis, grid and tooltip styling shared by the dashboard charts, in the current theme. */
export function chartChrome(): Pick<ChartOption, 'animation' | 'textStyle' | 'legend'> & { text: string; grid: string; surface: string; fg: string } {
  const text = cssVar('--text-muted');
  return {
    animation: false,
    textStyle: { fontFamily: cssVar('--font') || 'system-ui', color: text },
    legend: { top: 4, right: 8, itemWidth: 14, itemHeight: 8, textStyle: { color: text, fontSize: 11 } },
    text,
    grid: cssVar('--border'),
    surface: cssVar('--surface'),
    fg: cssVar('--text'),
  };
}

/**
 * An ECharts canvas chart in `el`: the instance in a shallowRef, the base option rebuilt when the
 * theme changes or the element resizes, `draw` run at most once per animation frame on request().
 */
export function useEChart(el: Ref<HTMLElement | null>, baseOption: () => ChartOption, draw: (chart: EChartsType) => void): { chart: Ref<EChartsType | null>; request: () => void; rebuild: () => void } {
  const app = useAppStore();
  const chart = shallowRef<EChartsType | null>(null);
  const { request } = useAnimationFrame(() => {
    if (chart.value) draw(chart.value);
  });
  let observer: ResizeObserver | null = null;

  function rebuild(): void {
    if (!chart.value) return;
    chart.value.setOption(baseOption(), { notMerge: true });
    request();
  }

  onMounted(() => {
    if (!el.value) return;
    chart.value = init(el.value, undefined, { renderer: 'canvas' });
    rebuild();
    observer = new ResizeObserver(() => {
      chart.value?.resize();
      request();
    });
    observer.observe(el.value);
  });
  // Theme colours live in CSS variables; rebuild once they have been applied to <html>.
  watch(
    () => app.theme,
    () => requestAnimationFrame(rebuild),
  );
  onBeforeUnmount(() => {
    observer?.disconnect();
    chart.value?.dispose();
    chart.value = null;
  });
  return { chart, request, rebuild };
}
