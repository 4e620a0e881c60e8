import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { cssVar } from '../lib/cssColors';
import { init, type ChartOption, type EChartsType, type TooltipOption, type XAxisOption, type YAxisOption } from '../lib/echarts';
import { useAppStore } from '../stores/useAppStore';
import { useAnimationFrame } from './useAnimationFrame';

/** The charts' theme, read from the same CSS variables as the UI. */
export interface ChartChrome extends Pick<ChartOption, 'animation' | 'textStyle' | 'legend'> {
  /** A tooltip box on the surface colour; callers add the trigger and formatters. */
  tooltip: TooltipOption;
  text: string;
  grid: string;
  surface: string;
  fg: string;
}

/** Axis, grid and tooltip styling shared by the charts, in the current theme. */
export function chartChrome(): ChartChrome {
  const text = cssVar('--text-muted');
  const grid = cssVar('--border');
  const surface = cssVar('--surface');
  const fg = cssVar('--text');
  return {
    animation: false,
    textStyle: { fontFamily: cssVar('--font') || 'system-ui', color: text },
    legend: { top: 4, right: 8, itemWidth: 14, itemHeight: 8, textStyle: { color: text, fontSize: 11 } },
    tooltip: { backgroundColor: surface, borderColor: grid, textStyle: { color: fg, fontSize: 12 } },
    text,
    grid,
    surface,
    fg,
  };
}

/** Where every chart's option starts: no animation, the theme's font, the plot inset by `grid` px. */
export function chartFrame(c: ChartChrome, grid: { left: number; right: number; top: number; bottom: number }): ChartOption {
  return { animation: c.animation, textStyle: c.textStyle, grid };
}

/** The tooltip of all series at the hovered x; `format` writes the numbers. */
export function axisTooltip(c: ChartChrome, format?: (v: number) => string): TooltipOption {
  if (!format) return { ...c.tooltip, trigger: 'axis' };
  return { ...c.tooltip, trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? format(v) : String(v)) };
}

/**
 * A value x axis without grid lines. Named at the `end` (right, under the labels) on the dashboard
 * charts, in the `middle` below them on the plasticity charts.
 */
export function valueXAxis(c: ChartChrome, name: string, at: 'end' | 'middle', extra: XAxisOption = {}): XAxisOption {
  const nameStyle = at === 'end' ? { nameGap: 6, nameTextStyle: { color: c.text, fontSize: 11, align: 'right', verticalAlign: 'top', padding: [14, 0, 0, 0] } } : { nameGap: 22, nameTextStyle: { color: c.text, fontSize: 11 } };
  return { type: 'value', name, nameLocation: at, ...nameStyle, axisLine: { lineStyle: { color: c.grid } }, axisLabel: { color: c.text, fontSize: 11 }, splitLine: { show: false }, ...extra } as XAxisOption;
}

/** The epoch axis: from 0 to the last whole epoch reached, at least 1. */
export function epochXAxis(c: ChartChrome, extra: XAxisOption = {}): XAxisOption {
  return valueXAxis(c, 'epoch', 'end', { min: 0, max: (v: { max: number }) => Math.max(1, Math.ceil(v.max)), ...extra } as XAxisOption);
}

/** A value y axis with dashed grid lines; `formatter` writes its labels. */
export function valueYAxis(c: ChartChrome, extra: YAxisOption = {}, formatter?: (v: number) => string): YAxisOption {
  return { type: 'value', axisLabel: { color: c.text, fontSize: 11, formatter }, splitLine: { lineStyle: { color: c.grid, type: 'dashed' } }, ...extra } as YAxisOption;
}

/**
 * An ECharts canvas chart in `el`: the instance in a shallowRef, the base option rebuilt when the
 * theme changes or the element resizes, `draw` run at most once per animation frame on request().
 * `draw` gets `fresh` = true when the option was rebuilt or the chart resized since its last call:
 * data it skips while unchanged (or decimated to the width) must then be set again.
 */
export function useEChart(el: Ref<HTMLElement | null>, baseOption: () => ChartOption, draw: (chart: EChartsType, fresh: boolean) => void): { chart: Ref<EChartsType | null>; request: () => void; rebuild: () => void } {
  const app = useAppStore();
  const chart = shallowRef<EChartsType | null>(null);
  let fresh = true;
  const { request } = useAnimationFrame(() => {
    if (!chart.value) return;
    const wasFresh = fresh;
    fresh = false;
    draw(chart.value, wasFresh);
  });
  let observer: ResizeObserver | null = null;

  function rebuild(): void {
    if (!chart.value) return;
    chart.value.setOption(baseOption(), { notMerge: true });
    fresh = true;
    request();
  }

  onMounted(() => {
    if (!el.value) return;
    chart.value = init(el.value, undefined, { renderer: 'canvas' });
    rebuild();
    observer = new ResizeObserver(() => {
      chart.value?.resize();
      fresh = true;
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
