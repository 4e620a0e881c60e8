/**
 * Saved model specs: one `models/<name>.json` per model in the workspace, holding the spec itself
 * (so the file is also what `spikelab` and other tools read). Seed networks are read-only and
 * shadow nothing: a saved file cannot take a seed's name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../api/contract';
import type { SavedModelSummary } from '../../api/contractModels';
import { estimateModel } from '../../snn/estimates';
import { findSeedNet, SEED_NETS } from '../../snn/seedNets';
import type { ModelSpec } from '../../snn/spec';
import { checkModelSpec, formatIssue } from '../../snn/specValidate';
import { atomicWriteJsonSync, isAtomicTempName } from '../atomicWrite';
import { describeOsError } from '../workspace';

/** Letters, digits, '_' and '-', starting with a letter or '_' (the spec's name rule), at most 64. */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** Names Windows refuses as file names whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

export function checkModelName(name: string): void {
  if (!SAFE_NAME.test(name) || RESERVED.test(name))
    throw new ApiError('BAD_REQUEST', `model name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} is not a safe file name: use 1-64 letters, digits, '_' or '-', starting with a letter or '_' (not a reserved device name)`);
}

function paramsOf(spec: ModelSpec): number {
  return estimateModel(spec, { batch: 1 }).totalParams;
}

function summary(spec: ModelSpec, builtin: boolean, title: string, savedAt: string | null): SavedModelSummary {
  return { name: spec.name, builtin, title, input: [...spec.input], layers: spec.layers.length, params: paramsOf(spec), savedAt, error: null };
}

export class ModelStore {
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  list(): SavedModelSummary[] {
    const seeds = SEED_NETS.map((s) => summary(s.spec, true, s.title, null));
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json') && !isAtomicTempName(n));
    } catch (err) {
      throw new ApiError('WORKSPACE_UNWRITABLE', `cannot read the models folder ${this.dir}: ${describeOsError(err)}`);
    }
    const saved = names.sort().map((n): SavedModelSummary => {
      const name = n.slice(0, -'.json'.length);
      try {
        const spec = this.read(name);
        return summary(spec, false, spec.name, statSync(this.file(name)).mtime.toISOString());
      } catch (err) {
        // One broken file must not hide the others; the list says what is wrong with it.
        return { name, builtin: false, title: name, input: [], layers: 0, params: 0, savedAt: null, error: err instanceof Error ? err.message : String(err) };
      }
    });
    return [...seeds, ...saved];
  }

  /** Reads, migrates and validates models/<name>.json; the errors name the file. */
  read(name: string): ModelSpec {
    const path = this.file(name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('NOT_FOUND', `no model named "${name}" (neither a built-in seed net nor ${path})`);
      throw new ApiError('INTERNAL', `cannot read model file ${path}: ${describeOsError(err)}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ApiError('INTERNAL', `model file ${path} is not valid JSON: ${(err as Error).message}`);
    }
    const r = checkModelSpec(raw);
    if (!r.ok) throw new ApiError('INTERNAL', `model file ${path} is not a valid model spec: ${r.issues.slice(0, 3).map(formatIssue).join('; ')}${r.issues.length > 3 ? ` (+${r.issues.length - 3} more)` : ''}`);
    return r.spec;
  }

  load(name: string): ModelSpec {
    checkModelName(name);
    const seed = findSeedNet(name);
    if (seed) return structuredClone(seed.spec);
    return this.read(name);
  }

  save(raw: unknown): SavedModelSummary {
    const r = checkModelSpec(raw);
    if (!r.ok) throw new ApiError('BAD_REQUEST', `saveModel: ${r.issues.length === 1 ? '' : `${r.issues.length} problems: `}${r.issues.slice(0, 5).map(formatIssue).join('; ')}`);
    const spec = r.spec;
    checkModelName(spec.name);
    if (findSeedNet(spec.name)) throw new ApiError('CONFLICT', `"${spec.name}" is a built-in seed network and read-only; save under another name`);
    try {
      atomicWriteJsonSync(this.file(spec.name), spec);
    } catch (err) {
      throw new ApiError('WORKSPACE_UNWRITABLE', `cannot write ${this.file(spec.name)}: ${describeOsError(err)}`);
    }
    return summary(spec, false, spec.name, statSync(this.file(spec.name)).mtime.toISOString());
  }
}
