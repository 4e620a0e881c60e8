/**
 * The pre/post pairing protocol of plasticity experiments (Markram et al. 1997; Sjöström et al.
 * 2001, as simulated by Pfister & Gerstner 2006, Fig. 3): `pairs` pre/post pairs at `frequencyHz`,
 * post lagging pre by `dtMs` (negative: post first), delivered to one synapse in time order.
 */

/** One synapse of any rule: weight 0 is the one the protocol drives. */
export interface PairedSynapse {
  readonly w: Float64Array;
  preSpike(i: number, t: number): void;
  postSpike(j: number, t: number): void;
}

/** Summed Δw of synapse 0 of `syn` under the protocol. */
export function pairingDeltaW(syn: PairedSynapse, dtMs: number, pairs: number, frequencyHz: number): number {
  const w0 = syn.w[0];
  const period = 1000 / frequencyHz;
  const events: Array<{ t: number; pre: boolean }> = [];
  // Shifted so that the first spike of either order is at t >= 0.
  const offset = Math.abs(dtMs);
  for (let n = 0; n < pairs; n++) {
    const t0 = offset + n * period;
    events.push({ t: t0, pre: true }, { t: t0 + dtMs, pre: false });
  }
  // Stable: at dt = 0 the pre spike is delivered first.
  events.sort((a, b) => a.t - b.t);
  for (const e of events) {
    if (e.pre) syn.preSpike(0, e.t);
    else syn.postSpike(0, e.t);
  }
  return syn.w[0] - w0;
}
