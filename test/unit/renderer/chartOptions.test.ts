import { describe, expect, it } from 'vitest';
import { axisTooltip, chartFrame, epochXAxis, valueXAxis, valueYAxis, type ChartChrome } from '../../../renderer/src/composables/useEChart';

// The theme as chartChrome() would read it from the CSS variables.
const chrome: ChartChrome = {
  animation: false,
  textStyle: { fontFamily: 'system-ui', color: '#999' },
  legend: {},
  tooltip: { backgroundColor: '#111', borderColor: '#333', textStyle: { color: '#eee', fontSize: 12 } },
  text: '#999',
  grid: '#333',
  surface: '#111',
  fg: '#eee',
};

describe('chart option builders', () => {
  it('starts every option without animation, in the theme font, with the given plot insets', () => {
    expect(chartFrame(chrome, { left: 48, right: 16, top: 36, bottom: 30 })).toEqual({ animation: false, textStyle: chrome.textStyle, grid: { left: 48, right: 16, top: 36, bottom: 30 } });
  });

  it('formats numbers in axis tooltips and passes anything else through as text', () => {
    const t = axisTooltip(chrome, (v) => `${v * 100}%`);
    expect(t).toMatchObject({ trigger: 'axis', backgroundColor: '#111', borderColor: '#333' });
    const format = t.valueFormatter as (v: unknown, i: number) => string;
    expect(format(0.5, 0)).toBe('50%');
    expect(format('-', 0)).toBe('-');
    expect(axisTooltip(chrome)).not.toHaveProperty('valueFormatter');
  });

  it('ends the epoch axis at the last whole epoch, at least 1, and lets callers add to it', () => {
    const x = epochXAxis(chrome, { minInterval: 1 }) as { name: string; min: number; max: (v: { max: number }) => number; minInterval: number };
    expect(x.name).toBe('epoch');
    expect(x.min).toBe(0);
    expect(x.max({ max: 0.2 })).toBe(1);
    expect(x.max({ max: 2.4 })).toBe(3);
    expect(x.minInterval).toBe(1);
  });

  it('names x axes at the end or in the middle, and draws y grid lines dashed', () => {
    expect(valueXAxis(chrome, 'T', 'end', { type: 'log' })).toMatchObject({ type: 'log', name: 'T', nameLocation: 'end', nameGap: 6, splitLine: { show: false } });
    expect(valueXAxis(chrome, 'w', 'middle')).toMatchObject({ type: 'value', nameLocation: 'middle', nameGap: 22 });
    const y = valueYAxis(chrome, { scale: true }, (v) => `${v}%`) as { scale: boolean; axisLabel: { formatter: (v: number) => string }; splitLine: { lineStyle: { type: string } } };
    expect(y.scale).toBe(true);
    expect(y.axisLabel.formatter(3)).toBe('3%');
    expect(y.splitLine.lineStyle.type).toBe('dashed');
  });
});
