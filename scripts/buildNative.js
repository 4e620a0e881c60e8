#!/usr/bin/env node
/**
 * `install` script of the root package: builds the native kernel addon (native/) with node-gyp.
 *
 * The addon is an accelerator, not a requirement: when the build fails (no compiler, no OpenBLAS)
 * we print one warning and exit 0 so `npm install` / `npm ci` still succeed and SpikeLab runs on
 * its TypeScript reference kernels. SPIKELAB_SKIP_NATIVE=1 skips the build entirely.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const nativeDir = path.join(root, 'native');

function warn(lines) {
  process.stderr.write(`\n[spikelab] WARNING: ${lines.join('\n[spikelab]   ')}\n\n`);
}

function resolveNodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
  } catch {
    return null;
  }
}

function main() {
  if (process.env.SPIKELAB_SKIP_NATIVE === '1') {
    process.stdout.write('[spikelab] SPIKELAB_SKIP_NATIVE=1: skipping the native kernel build.\n');
    return;
  }
  if (!fs.existsSync(path.join(nativeDir, 'binding.gyp'))) {
    warn([`native kernel build skipped: ${path.join(nativeDir, 'binding.gyp')} is missing.`,
      'SpikeLab will use the slower TypeScript kernels.']);
    return;
  }
  const nodeGyp = resolveNodeGyp();
  if (nodeGyp === null) {
    warn(['native kernel build skipped: node-gyp is not installed (it is a devDependency).',
      'SpikeLab will use the slower TypeScript kernels.']);
    return;
  }
  // --nodedir: use the headers installed with Node instead of downloading them (no network).
  const nodeDir = process.env.SPIKELAB_NODEDIR || path.resolve(path.dirname(process.execPath), '..');
  const args = [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '-j', '2', '--directory', nativeDir];
  process.stdout.write(`[spikelab] building native kernels: node ${args.slice(1).join(' ')}\n`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (result.status === 0) {
    process.stdout.write('[spikelab] native kernels built: native/build/Release/spikelab_native.node\n');
    return;
  }
  const reason = result.error
    ? result.error.message
    : lastErrorLine(result.stderr) || `node-gyp exited with code ${result.status}`;
  warn([
    `the native kernel addon (native/) failed to build: ${reason}`,
    'It needs g++, make, python3 and libopenblas-dev (Debian/Ubuntu: apt-get install g++ make python3 libopenblas-dev).',
    'SpikeLab will use the slower TypeScript kernels; rebuild later with `npm run build:native`.',
  ]);
}

/** The most telling line of a node-gyp/make failure (a compiler or linker error if there is one). */
function lastErrorLine(stderr) {
  if (!stderr) return '';
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const hit = lines.find((l) => /error:|cannot find|not found|No such file/i.test(l) && !l.startsWith('gyp ERR!'));
  return hit || lines.filter((l) => !l.startsWith('gyp ERR! ')).pop() || lines.pop() || '';
}

try {
  main();
} catch (err) {
  warn([`the native kernel build crashed: ${err && err.message ? err.message : String(err)}`,
    'SpikeLab will use the slower TypeScript kernels.']);
}
process.exitCode = 0;
