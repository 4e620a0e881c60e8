#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the Electron app when its binary is available, otherwise the web host in a browser.
 * Loading the electron package returns the binary's path in plain Node; on machines where the binary
 * could not be downloaded it throws ("Electron failed to install correctly"), and we fall back.
 */
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function electronBinary() {
  let p;
  try {
    p = require('electron');
  } catch (err) {
    return { path: null, why: String((err && err.message) || err).split('\n')[0].slice(0, 160) };
  }
  if (typeof p !== 'string') return { path: null, why: 'the electron package did not return a binary path' };
  if (!existsSync(p)) return { path: null, why: `the Electron binary ${p} is missing` };
  return { path: p, why: null };
}

function ensureBuilt(paths) {
  if (paths.every((p) => existsSync(join(root, p)))) return;
  console.log('spikelab: build output missing, running `npm run build` ...');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('spikelab: `npm run build` failed; fix the errors above and retry.');
    process.exit(1);
  }
}

function startElectron(binary) {
  ensureBuilt(['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html', 'out/node/core/lab/trainWorker.js']);
  const child = spawn(binary, [root], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 0));
}

async function startWeb(why) {
  console.log(`spikelab: Electron unavailable (${why}); starting the web host instead.`);
  ensureBuilt(['out/node/host/web/server.js', 'out/node/core/lab/trainWorker.js']);
  const { startWebHost } = require(join(root, 'out', 'node', 'host', 'web', 'server.js'));
  const port = Number(process.env.SPIKELAB_PORT || 7777);
  const host = await startWebHost({ port });
  console.log(`spikelab: open ${host.url}`);
  try {
    const opener = spawn('xdg-open', [host.url], { stdio: 'ignore', detached: true });
    opener.on('error', () => undefined);
    opener.unref();
  } catch {
    // no desktop opener (headless machine): the URL above is enough
  }
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('spikelab: shutting down (checkpointing active runs)');
    host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const found = electronBinary();
if (found.path && !process.env.SPIKELAB_WEB) startElectron(found.path);
else
  startWeb(found.why || 'SPIKELAB_WEB is set').catch((err) => {
    console.error(`spikelab: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
