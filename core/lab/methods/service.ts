/** Methods domain of the lab service: method catalogue, accuracy-vs-T curves, STDP windows. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../api/contract';
import type { AccuracyCurve, CurveRequest, MethodInfo, MethodsApi, PlasticityApi, PlasticitySnapshot, StdpWindow, StdpWindowRequest } from '../../api/contractMethods';
import { PlasticityError } from '../../plasticity/errors';
import { simulateStdpWindow } from '../../plasticity/stdpWindow';
import { MethodError } from '../../train/methodKit';
import { listPresets } from '../../train/presets';
import type { LabContext } from '../context';
import { runTask } from '../tasks';
import { methodInfos } from './catalog';
import { unmeasurableReason, type MeasuredCurve } from './measure';
import type { MeasureCurveArgs } from './tasks';

/** Largest T a curve point may ask for, and most points and samples per request. */
export const CURVE_LIMITS = { maxTimesteps: 1024, maxPoints: 32, maxSamples: 10_000 } as const;

/** Checks a curve request; messages name the field. */
export function validateCurveRequest(v: unknown): CurveRequest {
  const bad = (m: string): ApiError => new ApiError('BAD_REQUEST', m);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('request must be an object {timesteps, samples}');
  const r = v as Record<string, unknown>;
  for (const k of Object.keys(r)) if (k !== 'timesteps' && k !== 'samples') throw bad(`request.${k} is not a known field (expected timesteps, samples)`);
  const ts = r.timesteps;
  if (!Array.isArray(ts) || ts.length === 0 || ts.length > CURVE_LIMITS.maxPoints) throw bad(`request.timesteps must be a list of 1 to ${CURVE_LIMITS.maxPoints} step counts`);
  ts.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > CURVE_LIMITS.maxTimesteps) throw bad(`request.timesteps[${i}] must be an integer in 1..${CURVE_LIMITS.maxTimesteps}, got ${JSON.stringify(t)}`);
    if (i > 0 && t <= (ts[i - 1] as number)) throw bad(`request.timesteps must be strictly ascending; ${t} follows ${String(ts[i - 1])}`);
  });
  const n = r.samples;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > CURVE_LIMITS.maxSamples) throw bad(`request.samples must be an integer in 1..${CURVE_LIMITS.maxSamples}, got ${JSON.stringify(n)}`);
  return { timesteps: ts as number[], samples: n };
}

export class MethodsService implements MethodsApi, PlasticityApi {
  /** Runs with a measurement in flight: a second request for the same run is a CONFLICT, not a second worker. */
  private readonly measuring = new Set<string>();
  constructor(private readonly ctx: LabContext) {}

  async listMethods(): Promise<MethodInfo[]> {
    return methodInfos(listPresets());
  }

  async measureCurve(runId: string, request: CurveRequest): Promise<AccuracyCurve> {
    this.ctx.summary(runId);
    const req = validateCurveRequest(request);
    const weightsPath = join(this.ctx.store.runDir(runId), 'weights', 'final.safetensors');
    if (!existsSync(weightsPath)) throw new ApiError('CONFLICT', `run ${runId} has no final weights yet; accuracy against T is measured once a run has completed`);
    const config = this.ctx.store.readConfig(runId);
    const reason = unmeasurableReason(config);
    if (reason) throw new ApiError('BAD_REQUEST', `run ${runId}: ${reason}`);
    if (this.measuring.has(runId)) throw new ApiError('CONFLICT', `run ${runId} is already being measured`);
    this.measuring.add(runId);
    try {
      const args: MeasureCurveArgs = { config, weightsPath, timesteps: req.timesteps, samples: req.samples };
      const measured = await runTask<MeasuredCurve[]>('methods', 'measureCurve', args);
      const createdAt = new Date().toISOString();
      const curves = measured.map((c): AccuracyCurve => ({ ...c, runId, createdAt }));
      for (const c of curves) {
        this.ctx.store.writeCurve(runId, c);
        this.ctx.emit({ type: 'curve', curve: c });
      }
      return curves[0];
    } finally {
      this.measuring.delete(runId);
    }
  }

  async listCurves(runId: string): Promise<AccuracyCurve[]> {
    this.ctx.summary(runId);
    return this.ctx.store.readCurves(runId);
  }

  async lastPlasticity(runId: string): Promise<PlasticitySnapshot | null> {
    this.ctx.summary(runId);
    return this.ctx.store.readPlasticity(runId);
  }

  /** A sweep is at most 2001 points of at most 1000 pairs of two synapse events: cheap enough for the service thread. */
  async stdpWindow(request: StdpWindowRequest): Promise<StdpWindow> {
    const bad = (m: string): ApiError => new ApiError('BAD_REQUEST', m);
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw bad('request must be an object {rule, options, rangeMs, points}');
    const r = request as unknown as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!['rule', 'options', 'rangeMs', 'points'].includes(k)) throw bad(`request.${k} is not a known field (expected rule, options, rangeMs, points)`);
    if (typeof r.rule !== 'string') throw bad(`request.rule must be a rule name (stdp-pair, stdp-triplet), got ${JSON.stringify(r.rule)}`);
    const options = r.options ?? {};
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw bad(`request.options must be an object of rule parameters, got ${JSON.stringify(options)}`);
    if (typeof r.rangeMs !== 'number') throw bad(`request.rangeMs must be a number of ms, got ${JSON.stringify(r.rangeMs)}`);
    if (typeof r.points !== 'number') throw bad(`request.points must be an integer, got ${JSON.stringify(r.points)}`);
    try {
      const w = simulateStdpWindow(r.rule, options as Record<string, unknown>, { rangeMs: r.rangeMs, points: r.points });
      return { rule: r.rule, dtMs: w.dtMs, dw: w.dw };
    } catch (err) {
      if (err instanceof MethodError || err instanceof PlasticityError) throw bad(`stdpWindow: ${err.message}`);
      throw err;
    }
  }
}
