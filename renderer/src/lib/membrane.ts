/**
 * The membrane chart's ECharts option: one line per traced neuron over the T steps and the
 * threshold as a dashed line (a plain line series, so no markLine component is registered).
 */
import type { ChartOption, LineSeriesOption } from './echarts';

export interface MembraneTrace {
  neuron: number;
  values: ArrayLike<number>;
}

export interface MembraneColors {
  series: string[];
  threshold: string;
  text: string;
  grid: string;
}

export const THRESHOLD_SERIES = 'threshold';

export function membraneOption(traces: readonly MembraneTrace[], threshold: number | null, timesteps: number, colors: MembraneColors): ChartOption {
  const T = Math.max(1, timesteps);
  const series: LineSeriesOption[] = traces.map((tr, k) => ({
    type: 'line',
    name: `neuron ${tr.neuron}`,
    data: Array.from(tr.values, (v, t) => [t, v]),
    showSymbol: T <= 40,
    symbolSize: 4,
    // A step chart would hide that H is sampled once per step; straight segments read as samples.
    lineStyle: { width: 1.5, color: colors.series[k % colors.series.length] },
    itemStyle: { color: colors.series[k % colors.series.length] },
    animation: false,
  }));
  if (threshold !== null) {
    series.push({
      type: 'line',
      name: THRESHOLD_SERIES,
      data: [[0, threshold], [T - 1, threshold]],
      showSymbol: false,
      lineStyle: { type: 'dashed', width: 1.5, color: colors.threshold },
      itemStyle: { color: colors.threshold },
      animation: false,
      silent: true,
    });
  }
  return {
    animation: false,
    grid: { left: 48, right: 12, top: 28, bottom: 28 },
    legend: { top: 0, textStyle: { color: colors.text, fontSize: 11 }, itemHeight: 8 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', min: 0, max: T - 1, name: 'step', nameLocation: 'middle', nameGap: 20, axisLabel: { color: colors.text }, splitLine: { lineStyle: { color: colors.grid } } },
    // The threshold is a series, so the data extent includes it; scale: no forced zero, round ticks.
    yAxis: { type: 'value', scale: true, axisLabel: { color: colors.text }, splitLine: { lineStyle: { color: colors.grid } } },
    series,
  } as ChartOption;
}
