import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatPercent, formatRate } from '../../../renderer/src/lib/format';

describe('format', () => {
  it('formats durations', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h 07m');
  });
  it('formats percent, rates and numbers', () => {
    expect(formatPercent(0.98765, 2)).toBe('98.77%');
    expect(formatPercent(null)).toBe('–');
    expect(formatRate(12.345)).toBe('12.3/s');
    expect(formatRate(1234.5)).toBe('1235/s');
    expect(formatRate(25_000)).toBe('25.0k/s');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.0000123)).toBe('1.23e-5');
  });
});
