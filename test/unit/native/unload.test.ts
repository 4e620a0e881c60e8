import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const addon = join(__dirname, '../../../native/build/Release/spikelab_native.node');
const hasReadelf = spawnSync('readelf', ['--version']).status === 0;
const skip = !existsSync(addon) ? 'the native addon is not built' : !hasReadelf ? 'readelf is not installed' : null;
if (skip) console.warn(`[unload.test] SKIPPED: ${skip}`);

describe('native addon lifetime', () => {
  // Node unloads an addon when the last worker thread that loaded it ends (the lab loads kernels only
  // in workers). The kernels' pool threads outlive any one worker and would then run unmapped code:
  // a SIGSEGV seen in the board e2e run. Linked with -z nodelete, the library stays mapped.
  it.skipIf(skip !== null)('is marked NODELETE so no worker exit can unmap it under its pool threads', () => {
    const r = spawnSync('readelf', ['-d', addon], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/FLAGS_1.*NODELETE/);
  });
});
