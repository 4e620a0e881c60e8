/**
 * Pure helpers of the runs browser: metrics as CSV, a run's duration, and the per-run series that
 * the compare chart overlays. Kept free of DOM and Vue so they are unit-tested in Node.
 */
import type { MetricRecord, RunSummary } from '../../../core/api/contract';

/** Metrics the compare chart can overlay; each is read from epoch records only (one point per epoch). */
export type CompareMetric = 'testAccuracy' | 'trainAccuracy' | 'loss';

export const COMPARE_METRICS: readonly { id: CompareMetric; label: string; percent: boolean }[] = [
  { id: 'testAccuracy', label: 'Test accuracy', percent: true },
  { id: 'trainAccuracy', label: 'Train accuracy', percent: true },
  { id: 'loss', label: 'Epoch loss', percent: false },
];

export function isCompareMetric(v: unknown): v is CompareMetric {
  return COMPARE_METRICS.some((m) => m.id === v);
}

/**
 * [epoch, value] points of one run. Epoch records carry `epoch` as the 0-based index of the epoch
 * just finished, so the point sits at epoch + 1 (the x of the live chart's epoch markers too).
 */
export function compareSeries(metrics: readonly MetricRecord[], metric: CompareMetric): [number, number][] {
  const out: [number, number][] = [];
  for (const m of metrics) {
    if (m.kind !== 'epoch') continue;
    const v = m[metric];
    if (v !== null && Number.isFinite(v)) out.push([m.epoch + 1, v]);
  }
  return out;
}

const BASE_COLUMNS = ['kind', 'epoch', 'step', 'stepsPerEpoch', 'elapsedMs', 'loss', 'trainAccuracy', 'testAccuracy', 'learningRate', 'samplesPerSecond'] as const;

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One row per metric record, with a `rate:<layer>` column per layer seen in any record (layers
 * can differ between records when a run was resumed with another model revision).
 */
export function metricsToCsv(metrics: readonly MetricRecord[]): string {
  const layers = [...new Set(metrics.flatMap((m) => Object.keys(m.firingRates)))].sort();
  const header = [...BASE_COLUMNS, ...layers.map((l) => `rate:${l}`)];
  const lines = [header.map(csvField).join(',')];
  for (const m of metrics) {
    const row: (string | number | null)[] = BASE_COLUMNS.map((c) => m[c]);
    for (const l of layers) row.push(m.firingRates[l] ?? null);
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Seconds from creation to the last update: wall time including pauses, what the user waited. */
export function runDurationSeconds(run: Pick<RunSummary, 'createdAt' | 'updatedAt'>): number | null {
  const a = Date.parse(run.createdAt);
  const b = Date.parse(run.updatedAt);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return null;
  return (b - a) / 1000;
}

/**
 * Legend labels for the compare chart. ECharts merges legend entries by series name, and runs of
 * one preset share a name, so repeated names get the run id's last segment (its random suffix).
 */
export function compareLabels(runs: readonly { id: string; name: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  return runs.map((r) => ((counts.get(r.name) ?? 0) > 1 ? `${r.name} · ${r.id.split('-').pop() ?? r.id}` : r.name));
}

/** A file name safe on every OS from a run id or name. */
export function safeFileName(base: string, ext: string): string {
  const clean = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'spikelab';
  return `${clean}.${ext}`;
}
