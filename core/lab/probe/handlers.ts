/** Transport-side checks of the probe domain (see core/lab/apiDispatch.ts). */
import type { ProbeApi, ProbeRequest } from '../../api/contractProbe';
import { validateRunId } from '../validate';
import { argInt, argNullableString, argObject, arity, bad, show, type Handler } from '../args';

/** More traces than this make an unreadable chart and a large reply. */
export const MAX_TRACE_NEURONS = 16;
export const MAX_EVENTS_PER_LAYER = 1_000_000;

export function validateProbeRequest(v: unknown): ProbeRequest {
  const o = argObject('probeRun', 'request', v);
  const known = new Set(['sample', 'checkpoint', 'traceNeurons', 'maxEventsPerLayer']);
  const extra = Object.keys(o).filter((k) => !known.has(k));
  if (extra.length) throw bad(`probeRun: request has unknown field ${JSON.stringify(extra[0])}; fields are ${[...known].join(', ')}`);
  const traces = o.traceNeurons;
  if (!Array.isArray(traces) || traces.length > MAX_TRACE_NEURONS) throw bad(`probeRun: request.traceNeurons must be an array of at most ${MAX_TRACE_NEURONS} neuron indices, got ${show(traces)}`);
  return {
    sample: argInt('probeRun', 'request.sample', o.sample, 0, 2 ** 31 - 1),
    checkpoint: argNullableString('probeRun', 'request.checkpoint', o.checkpoint ?? null),
    traceNeurons: traces.map((n, i) => argInt('probeRun', `request.traceNeurons[${i}]`, n, 0, 2 ** 31 - 1)),
    maxEventsPerLayer: argInt('probeRun', 'request.maxEventsPerLayer', o.maxEventsPerLayer, 1, MAX_EVENTS_PER_LAYER),
  };
}

export const PROBE_HANDLERS: { readonly [K in keyof ProbeApi]: Handler } = {
  probeRun: (api, args) => (arity('probeRun', args, 2), api.probeRun(validateRunId(args[0]), validateProbeRequest(args[1]))),
};
