/**
 * ECharts with only what the charts use registered, so the bundle carries lines, grid, tooltip and
 * legend rather than the whole library.
 */
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

// SVGRenderer only serves "export as SVG": getDataURL({ type: 'svg' }) needs a chart rendered as SVG.
use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer, SVGRenderer]);

export type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;
export type { TooltipComponentOption as TooltipOption, XAXisComponentOption as XAxisOption, YAXisComponentOption as YAxisOption } from 'echarts';
export type { EChartsType, LineSeriesOption };
export { init };
