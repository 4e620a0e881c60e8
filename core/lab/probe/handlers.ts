/** Transport-side checks of the probe domain (see core/lab/apiDispatch.ts). */
import type { ProbeApi, ProbeRequest } from '../../api/contractProbe';
import { validateRunId } from '../validate';
import { argObject, arity, type Handler } from '../args';

export const PROBE_HANDLERS: { readonly [K in keyof ProbeApi]: Handler } = {
  probeRun: (api, args) => (arity('probeRun', args, 2), api.probeRun(validateRunId(args[0]), argObject('probeRun', 'request', args[1]) as unknown as ProbeRequest)),
};
