/** The vector marks both spike rasters draw over their bitmap. */
import { columnToX, type RasterGeometry } from './rasterGeometry';

export interface RasterAxesStyle {
  grid: string;
  text: string;
  /** Device pixels per CSS pixel. */
  dpr: number;
  /** CSS pixels between the neuron labels and the plot. */
  labelGap: number;
}

/**
 * Snapshot boundaries at `markCols`, the plot border, and the first and last neuron (0 at the top,
 * as in rasterGeometry). Leaves the label font and colour set for the caller's own labels.
 */
export function drawRasterAxes(ctx: CanvasRenderingContext2D, g: RasterGeometry, markCols: readonly number[], neurons: number, style: RasterAxesStyle): void {
  const { plot } = g;
  const { dpr } = style;
  ctx.strokeStyle = style.grid;
  ctx.lineWidth = Math.max(1, Math.round(dpr));
  ctx.beginPath();
  for (const col of markCols) {
    const x = Math.round(columnToX(g, col)) + 0.5;
    ctx.moveTo(x, plot.y);
    ctx.lineTo(x, plot.y + plot.height);
  }
  ctx.rect(plot.x + 0.5, plot.y + 0.5, plot.width - 1, plot.height - 1);
  ctx.stroke();

  ctx.fillStyle = style.text;
  ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText('0', plot.x - style.labelGap * dpr, plot.y);
  ctx.textBaseline = 'bottom';
  ctx.fillText(String(neurons - 1), plot.x - style.labelGap * dpr, plot.y + plot.height);
}
