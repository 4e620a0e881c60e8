/**
 * Downsampling of metric series for display.
 *
 * A long run produces tens of thousands of batch-loss points; a chart a few hundred pixels wide
 * cannot show more than a couple of points per pixel. Largest-Triangle-Three-Buckets keeps the
 * visual shape (peaks and dips survive, unlike plain stride sampling).
 * Reference: S. Steinarsson, "Downsampling Time Series for Visual Representation", MSc thesis,
 * University of Iceland, 2013, section 4.2.
 */

/** Returns indices of the kept points, always including the first and the last. */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(xs.length, ys.length);
  if (threshold >= n || threshold <= 2) {
    if (threshold <= 2 && n > 2) return threshold <= 0 ? [] : threshold === 1 ? [n - 1] : [0, n - 1];
    return Array.from({ length: n }, (_, i) => i);
  }
  const out: number[] = [0];
  // Buckets exclude the first and the last point, which are always kept.
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let b = 0; b < threshold - 2; b++) {
    // Average of the next bucket is the third vertex of the triangle.
    const nextStart = Math.floor((b + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    const nextLen = nextEnd - nextStart;
    if (nextLen > 0) {
      for (let j = nextStart; j < nextEnd; j++) {
        avgX += xs[j];
        avgY += ys[j];
      }
      avgX /= nextLen;
      avgY /= nextLen;
    } else {
      avgX = xs[n - 1];
      avgY = ys[n - 1];
    }
    const start = Math.floor(b * every) + 1;
    const end = Math.floor((b + 1) * every) + 1;
    const ax = xs[a];
    const ay = ys[a];
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (ys[j] - ay) - (ax - xs[j]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

/** [x, y] pairs for a chart, decimated to at most maxPoints; non-finite y values are skipped. */
export function decimateSeries(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): [number, number][] {
  const fx: number[] = [];
  const fy: number[] = [];
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(ys[i]) && Number.isFinite(xs[i])) {
      fx.push(xs[i]);
      fy.push(ys[i]);
    }
  }
  return lttbIndices(fx, fy, maxPoints).map((i) => [fx[i], fy[i]]);
}
