import { describe, expect, it } from 'vitest';
import { colorRamp, gridShape, heatmapLayout, paintHeatmap, ratesFromRaster } from '../../../renderer/src/lib/heatmap';
import { membraneOption, THRESHOLD_SERIES } from '../../../renderer/src/lib/membrane';
import { packRgba } from '../../../renderer/src/lib/rasterGeometry';

describe('heatmap layout', () => {
  it('lays a dense layer out as one near-square grid', () => {
    expect(gridShape(500)).toEqual({ rows: 22, cols: 23 });
    const l = heatmapLayout([500], 230, 220, 2);
    expect(l.tiles).toHaveLength(1);
    expect(l.perTile).toBe(500);
    expect(l.tiles[0]).toMatchObject({ x: 0, y: 0, width: 230, height: 220 });
  });

  it('gives a conv layer one map per channel, square cells, tiles inside the area', () => {
    const l = heatmapLayout([20, 24, 24], 600, 300, 2);
    expect(l.tiles).toHaveLength(20);
    expect(l.rows).toBe(24);
    expect(l.perTile).toBe(576);
    for (const t of l.tiles) {
      expect(t.width).toBe(t.height);
      expect(t.x + t.width).toBeLessThanOrEqual(600);
      expect(t.y + t.height).toBeLessThanOrEqual(300);
    }
    // 20 maps of 24 x 24 in 600 x 300: 7 across x 3 down allows 3.5 px cells (6 x 4: 3.06, 8 x 3: 3.05), floored to whole pixels.
    expect(l.tiles[0].width).toBe(3 * 24);
    expect(l.tiles[7]).toMatchObject({ x: 0, y: 3 * 24 + 2 });
  });

  it('paints each channel into its own tile, scaled to the busiest neuron', () => {
    const lo: [number, number, number] = [0, 0, 0];
    const hi: [number, number, number] = [255, 255, 255];
    const ramp = colorRamp(lo, hi, 256);
    const layout = heatmapLayout([2, 2, 2], 10, 4, 2);
    const px = new Uint32Array(10 * 4);
    // channel 0 silent, channel 1: one neuron at the max rate.
    const rates = [0, 0, 0, 0, 0.5, 0, 0, 0];
    expect(paintHeatmap(px, 10, 0, 0, layout, rates, ramp)).toBe(0.5);
    const t1 = layout.tiles[1];
    const at = (x: number, y: number): number => px[y * 10 + x] | 0;
    expect(at(t1.x, t1.y)).toBe(packRgba(255, 255, 255));
    expect(at(layout.tiles[0].x, layout.tiles[0].y)).toBe(packRgba(0, 0, 0));
    expect(at(t1.x + t1.width - 1, t1.y + t1.height - 1)).toBe(packRgba(0, 0, 0));
  });

  it('counts a snapshot into spikes per neuron per step, ignoring ids out of range', () => {
    expect(Array.from(ratesFromRaster([0, 0, 2, 9, -1], 3, 4))).toEqual([0.5, 0, 0.25]);
  });
});

describe('membrane chart option', () => {
  const colors = { series: ['#111', '#222'], threshold: '#f00', text: '#999', grid: '#333' };

  it('draws one line per neuron and the threshold dashed across all steps', () => {
    const opt = membraneOption([{ neuron: 3, values: [0, 0.5, 1.2] }, { neuron: 7, values: [0.1, 0.2, 0.3] }], 1, 3, colors);
    const series = opt.series as { name: string; data: number[][]; lineStyle: { type?: string; color: string } }[];
    expect(series.map((s) => s.name)).toEqual(['neuron 3', 'neuron 7', THRESHOLD_SERIES]);
    expect(series[0].data).toEqual([[0, 0], [1, 0.5], [2, 1.2]]);
    expect(series[2].data).toEqual([[0, 1], [2, 1]]);
    expect(series[2].lineStyle).toMatchObject({ type: 'dashed', color: '#f00' });
    expect(series[1].lineStyle.color).toBe('#222');
  });

  it('has no threshold line for a readout (threshold null)', () => {
    const opt = membraneOption([{ neuron: 0, values: [1, 2] }], null, 2, colors);
    expect((opt.series as { name: string }[]).map((s) => s.name)).toEqual(['neuron 0']);
  });
});
