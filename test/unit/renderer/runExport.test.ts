import { describe, expect, it } from 'vitest';
import { compareLabels, compareSeries, isCompareMetric, metricsToCsv, runDurationSeconds, safeFileName } from '../../../renderer/src/lib/runExport';
import { metric } from './fixtures';

describe('runExport', () => {
  const records = [
    metric('batch', 0, 0, 2.0, { trainAccuracy: 0.2, firingRates: { hidden: 0.1 } }),
    metric('epoch', 0, 4, 1.5, { trainAccuracy: 0.5, testAccuracy: 0.45, firingRates: { hidden: 0.12, out: 0.3 } }),
    metric('epoch', 1, 4, 1.1, { trainAccuracy: 0.7, testAccuracy: null }),
  ];

  it('compareSeries takes epoch records only and places them at epoch + 1', () => {
    expect(compareSeries(records, 'loss')).toEqual([
      [1, 1.5],
      [2, 1.1],
    ]);
    // A missing test accuracy is a gap, not a zero.
    expect(compareSeries(records, 'testAccuracy')).toEqual([[1, 0.45]]);
    expect(isCompareMetric('loss')).toBe(true);
    expect(isCompareMetric('nope')).toBe(false);
  });

  it('metricsToCsv writes one row per record with a column per layer', () => {
    const lines = metricsToCsv(records).split('\r\n');
    expect(lines[0]).toBe('kind,epoch,step,stepsPerEpoch,elapsedMs,loss,trainAccuracy,testAccuracy,learningRate,samplesPerSecond,rate:hidden,rate:out');
    expect(lines[1]).toBe('batch,0,0,4,0,2,0.2,,0.001,100,0.1,');
    expect(lines[2]).toBe('epoch,0,4,4,40,1.5,0.5,0.45,0.001,100,0.12,0.3');
    expect(lines).toHaveLength(5); // header, 3 rows, trailing empty after the final CRLF
    expect(metricsToCsv([])).toBe('kind,epoch,step,stepsPerEpoch,elapsedMs,loss,trainAccuracy,testAccuracy,learningRate,samplesPerSecond\r\n');
  });

  it('quotes layer names that need it', () => {
    const csv = metricsToCsv([metric('batch', 0, 0, 1, { firingRates: { 'conv,1 "a"': 0.5 } })]);
    expect(csv.split('\r\n')[0]).toContain('"rate:conv,1 ""a"""');
  });

  it('compareLabels keeps unique names and tells repeated ones apart by id suffix', () => {
    expect(compareLabels([
      { id: '20261123-132324-mnist-mlp-ed52f4', name: 'mnist-mlp' },
      { id: '20261123-132400-mnist-mlp-a1b2c3', name: 'mnist-mlp' },
      { id: 'x', name: 'other' },
    ])).toEqual(['mnist-mlp · ed52f4', 'mnist-mlp · a1b2c3', 'other']);
  });

  it('runDurationSeconds and safeFileName', () => {
    expect(runDurationSeconds({ createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-01T10:03:20Z' })).toBe(200);
    expect(runDurationSeconds({ createdAt: 'x', updatedAt: '2026-01-01T10:03:20Z' })).toBeNull();
    expect(safeFileName('a/b c:d', 'csv')).toBe('a_b_c_d.csv');
    expect(safeFileName('///', 'png')).toBe('spikelab.png');
  });
});
