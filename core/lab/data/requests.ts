/** Checks of the data domain's requests (both transports and direct callers go through the service). */
import { ApiError } from '../../api/contract';
import type { DataTransformStep, EventWindowRequest, FramePreviewRequest } from '../../api/contractData';

/** Most events one window sends back, and most frames one preview asks for. */
export const DATA_LIMITS = { maxEvents: 2_000_000, maxFrames: 256, maxSteps: 16 } as const;

const bad = (m: string): ApiError => new ApiError('BAD_REQUEST', m);

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function num(r: Record<string, unknown>, k: string, what: string, ok: (n: number) => boolean, rule: string, optional = false): number | undefined {
  const v = r[k];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw bad(`${what}.${k} must be ${rule}, got ${JSON.stringify(v)}`);
  return v;
}

const nonNeg = (n: number): boolean => n >= 0;
const pos = (n: number): boolean => n > 0;
const posInt = (n: number): boolean => Number.isInteger(n) && n > 0;
const nonNegInt = (n: number): boolean => Number.isInteger(n) && n >= 0;

function sample(r: Record<string, unknown>, what: string): number | undefined {
  return num(r, 'sample', what, nonNegInt, 'an integer >= 0', true);
}

export function validateWindowRequest(v: unknown): EventWindowRequest {
  const r = obj(v, 'request');
  return {
    sample: sample(r, 'request'),
    startUs: num(r, 'startUs', 'request', nonNeg, 'a number >= 0') as number,
    durationUs: num(r, 'durationUs', 'request', pos, 'a number > 0') as number,
    maxEvents: num(r, 'maxEvents', 'request', (n) => posInt(n) && n <= DATA_LIMITS.maxEvents, `an integer in 1..${DATA_LIMITS.maxEvents}`) as number,
  };
}

/** Numeric fields of each transform kind (core/data/transforms/pipeline EventTransformSpec); the transforms check ranges. */
const STEP_FIELDS: Record<string, { need: string[]; optional?: string[]; flags?: string[] }> = {
  denoise: { need: ['filterTimeUs'] },
  refractory: { need: ['periodUs'] },
  drop: { need: ['probability'] },
  crop: { need: ['x0', 'y0', 'width', 'height'] },
  centerCrop: { need: ['width', 'height'] },
  flip: { need: [], flags: ['lr', 'ud', 'polarity'] },
  downsample: { need: [], optional: ['spatialFactor', 'timeFactor'] },
  timeJitter: { need: ['stdUs'] },
};

function step(v: unknown, i: number): DataTransformStep {
  const what = `request.transforms[${i}]`;
  const r = obj(v, what);
  const spec = typeof r.kind === 'string' && Object.prototype.hasOwnProperty.call(STEP_FIELDS, r.kind) ? STEP_FIELDS[r.kind] : undefined;
  if (!spec) throw bad(`${what}.kind must be one of ${Object.keys(STEP_FIELDS).join(', ')}, got ${JSON.stringify(r.kind)}`);
  const out: DataTransformStep = { kind: r.kind as string };
  for (const k of spec.need) out[k] = num(r, k, what, nonNeg, 'a number >= 0');
  for (const k of spec.optional ?? []) if (r[k] !== undefined) out[k] = num(r, k, what, pos, 'a number > 0');
  for (const k of spec.flags ?? []) {
    if (r[k] === undefined) continue;
    if (typeof r[k] !== 'boolean') throw bad(`${what}.${k} must be true or false, got ${JSON.stringify(r[k])}`);
    out[k] = r[k];
  }
  const known = new Set(['kind', ...spec.need, ...(spec.optional ?? []), ...(spec.flags ?? [])]);
  for (const k of Object.keys(r)) if (!known.has(k)) throw bad(`${what}.${k} is not a field of ${r.kind as string} (expected ${[...known].join(', ')})`);
  return out;
}

export function validatePreviewRequest(v: unknown): FramePreviewRequest {
  const r = obj(v, 'request');
  if (!Array.isArray(r.transforms) || r.transforms.length > DATA_LIMITS.maxSteps) throw bad(`request.transforms must be a list of at most ${DATA_LIMITS.maxSteps} steps`);
  const s = obj(r.slicing, 'request.slicing');
  let slicing: FramePreviewRequest['slicing'];
  if (s.by === 'time') slicing = { by: 'time', windowUs: num(s, 'windowUs', 'request.slicing', pos, 'a number > 0') as number, overlapUs: num(s, 'overlapUs', 'request.slicing', nonNeg, 'a number >= 0', true) };
  else if (s.by === 'count') slicing = { by: 'count', events: num(s, 'events', 'request.slicing', posInt, 'an integer > 0') as number, overlap: num(s, 'overlap', 'request.slicing', nonNegInt, 'an integer >= 0', true) };
  else if (s.by === 'frames') slicing = { by: 'frames', frames: num(s, 'frames', 'request.slicing', (n) => posInt(n) && n <= 10_000, 'an integer in 1..10000') as number, overlap: num(s, 'overlap', 'request.slicing', (n) => n >= 0 && n < 1, 'a fraction in [0, 1)', true) };
  else throw bad(`request.slicing.by must be "time", "count" or "frames", got ${JSON.stringify(s.by)}`);
  return {
    transforms: r.transforms.map(step),
    slicing,
    sample: sample(r, 'request'),
    maxFrames: num(r, 'maxFrames', 'request', (n) => posInt(n) && n <= DATA_LIMITS.maxFrames, `an integer in 1..${DATA_LIMITS.maxFrames}`) as number,
    seed: num(r, 'seed', 'request', nonNegInt, 'an integer >= 0', true),
  };
}
