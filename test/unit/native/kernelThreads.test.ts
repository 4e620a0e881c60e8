import { describe, expect, it } from 'vitest';
import { defaultKernelThreads } from '../../../core/native/loader';

describe('defaultKernelThreads (the addon\'s rule, for estimates)', () => {
  it('is SPIKELAB_THREADS when it is a positive integer, else every hardware thread', () => {
    expect(defaultKernelThreads({ SPIKELAB_THREADS: '3' }, 16)).toBe(3);
    expect(defaultKernelThreads({}, 16)).toBe(16);
    expect(defaultKernelThreads({ SPIKELAB_THREADS: '0' }, 8)).toBe(8);
    expect(defaultKernelThreads({ SPIKELAB_THREADS: 'many' }, 8)).toBe(8);
    expect(defaultKernelThreads({}, 0)).toBe(1);
  });
});
