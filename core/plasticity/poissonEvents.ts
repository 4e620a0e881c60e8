/**
 * Event-driven Poisson input: instead of drawing one Bernoulli number per input per time step
 * (784 x 700 draws per MNIST presentation, most of them for dark pixels), each input with a
 * non-zero rate draws exponential inter-spike intervals, and the events are bucketed by time step
 * with a counting sort. The cost is proportional to the number of spikes, not to inputs x steps.
 */
import type { Rng } from '../snn/rng';

export class PoissonEvents {
  /** Input index of each event, grouped by step: events of step s are ids[start[s] .. start[s+1]). */
  ids: Uint16Array = new Uint16Array(4096);
  /** Length steps + 1. */
  start: Uint32Array;
  private tmpStep: Uint32Array = new Uint32Array(4096);
  private tmpId: Uint16Array = new Uint16Array(4096);
  count = 0;

  constructor(readonly steps: number, readonly dtMs: number) {
    this.start = new Uint32Array(steps + 1);
  }

  /** Draws a fresh train; ratesHz[i] is the rate of input i (0 = silent). */
  generate(ratesHz: ArrayLike<number>, rng: Rng): void {
    const durationMs = this.steps * this.dtMs;
    let n = 0;
    for (let i = 0; i < ratesHz.length; i++) {
      const r = ratesHz[i];
      if (r <= 0) continue;
      const meanIsiMs = 1000 / r;
      let t = -Math.log(1 - rng.next()) * meanIsiMs;
      while (t < durationMs) {
        if (n === this.tmpStep.length) this.grow();
        this.tmpStep[n] = Math.floor(t / this.dtMs);
        this.tmpId[n] = i;
        n++;
        t += -Math.log(1 - rng.next()) * meanIsiMs;
      }
    }
    if (this.ids.length < n) this.ids = new Uint16Array(this.tmpStep.length);
    // Counting sort by step keeps the per-step groups contiguous for the simulation loop.
    const start = this.start;
    start.fill(0);
    for (let k = 0; k < n; k++) start[this.tmpStep[k] + 1]++;
    for (let s = 0; s < this.steps; s++) start[s + 1] += start[s];
    const fill = start.slice(0, this.steps);
    for (let k = 0; k < n; k++) this.ids[fill[this.tmpStep[k]]++] = this.tmpId[k];
    this.count = n;
  }

  private grow(): void {
    const s = new Uint32Array(this.tmpStep.length * 2);
    s.set(this.tmpStep);
    const d = new Uint16Array(this.tmpId.length * 2);
    d.set(this.tmpId);
    this.tmpStep = s;
    this.tmpId = d;
  }
}
