import { describe, expect, it } from 'vitest';
import { API_CHANNELS, ApiError } from '../../core/api/contract';

describe('contract', () => {
  it('round-trips errors as payloads', () => {
    const e = ApiError.fromPayload(new ApiError('NOT_FOUND', 'run x not found').toPayload());
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('run x not found');
  });
  it('uses domain:verb channel names, all distinct', () => {
    const names = Object.values(API_CHANNELS);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+:[a-z]+$/);
  });
});
