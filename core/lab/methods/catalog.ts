/**
 * The method picker's list and the start-time checks of a run's method, options and model. Checks
 * run when a run is requested, so a bad option or an ill-fitting model is a BAD_REQUEST naming the
 * field instead of a run that fails in its worker a minute later.
 */
import { ApiError, type PresetSummary } from '../../api/contract';
import type { MethodInfo } from '../../api/contractMethods';
import { PLASTICITY_METHOD_INFO } from '../../plasticity/methodInfo';
import type { ModelSpec } from '../../snn/spec';
import { inferShapes, SpecError } from '../../snn/specValidate';
import { conversionAnnSpec } from '../../train/conversion/index';
import { checkMethodOptions, METHOD_CATALOG, optionInfos } from '../../train/methodCatalog';
import { MethodError } from '../../train/methodKit';

/** Backprop/conversion methods from core/train, then the plasticity rules (theirs win on a shared name). */
export function methodInfos(presets: readonly PresetSummary[]): MethodInfo[] {
  const plastic = new Set(PLASTICITY_METHOD_INFO.map((m) => m.name));
  const infos: MethodInfo[] = [
    ...METHOD_CATALOG.filter((e) => !plastic.has(e.name)).map((e) => ({ name: e.name, title: e.title, family: e.family, description: e.description, references: [...e.references], options: optionInfos(e.options), presets: [] as string[] })),
    ...PLASTICITY_METHOD_INFO.map((m) => structuredClone(m)),
  ];
  for (const info of infos) info.presets = presets.filter((p) => p.method === info.name).map((p) => p.name);
  return infos;
}

function findInfo(name: string): MethodInfo | null {
  const plastic = PLASTICITY_METHOD_INFO.find((m) => m.name === name);
  if (plastic) return plastic;
  const e = METHOD_CATALOG.find((m) => m.name === name);
  return e ? { name: e.name, title: e.title, family: e.family, description: e.description, references: e.references, options: optionInfos(e.options), presets: [] } : null;
}

function allNames(): string[] {
  return [...new Set([...METHOD_CATALOG.map((e) => e.name), ...PLASTICITY_METHOD_INFO.map((m) => m.name)])];
}

/** Throws BAD_REQUEST unless `method` is a known method name. */
export function requireMethod(method: string, field = 'request.method'): MethodInfo {
  const info = findInfo(method);
  if (!info) throw new ApiError('BAD_REQUEST', `${field}: unknown training method "${method}"; available: ${allNames().join(', ')}`);
  return info;
}

/** Validates options against the method's table; unknown keys and out-of-range values name the option. */
export function checkRunOptions(method: string, raw: Record<string, unknown>, field = 'request.methodOptions'): void {
  const info = requireMethod(method);
  try {
    checkMethodOptions(method, info.options, raw);
  } catch (err) {
    if (err instanceof MethodError) throw new ApiError('BAD_REQUEST', `${field}: ${err.message}`);
    throw err;
  }
}

/** The number of classes a spec predicts: voting groups, else the flat output size. */
export function classesOf(spec: ModelSpec): number {
  if (spec.decoder.type === 'voting') return spec.decoder.classes;
  const out = inferShapes(spec).output;
  return out.length === 1 ? out[0] : out.reduce((a, b) => a * b, 1);
}

const CONVERTING = new Set(['conversion', 'conversion-ttfs', 'hybrid']);
const UNCONVERTIBLE = new Set(['residual', 'batchnorm', 'tdbn', 'delay']);

/**
 * A builder model must fit the preset's dataset (same input shape, as many outputs as classes), and
 * conversion-based methods must be able to derive its ANN counterpart.
 */
export function checkModelFits(model: ModelSpec, presetModel: ModelSpec, presetName: string, method: string, field = 'request.model'): void {
  const shape = (s: readonly number[]): string => `[${s.join(', ')}]`;
  if (shape(model.input) !== shape(presetModel.input)) {
    throw new ApiError('BAD_REQUEST', `${field}.input is ${shape(model.input)} but preset ${presetName}'s data has input ${shape(presetModel.input)}`);
  }
  let classes: number;
  try {
    classes = classesOf(model);
  } catch (err) {
    if (err instanceof SpecError) throw new ApiError('BAD_REQUEST', `${field}: ${err.message}`);
    throw err;
  }
  const want = classesOf(presetModel);
  if (classes !== want) throw new ApiError('BAD_REQUEST', `${field} predicts ${classes} classes but preset ${presetName}'s dataset has ${want}; make the last dense layer ${want} units`);
  if (CONVERTING.has(method)) {
    try {
      // An ANN model is used as it is, so its layers are checked here against what conversion maps.
      const bad = conversionAnnSpec(model).layers.find((l) => UNCONVERTIBLE.has(l.type));
      if (bad) throw new MethodError('METHOD_MODEL', `layer ${bad.name ?? bad.type} of type ${bad.type} cannot be converted; fold batch norm into the weights and use a plain feed-forward stack`);
    } catch (err) {
      if (err instanceof MethodError) throw new ApiError('BAD_REQUEST', `${field} does not suit method ${method}: ${err.message}`);
      throw err;
    }
  }
}
