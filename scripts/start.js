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

/**
 * Resolved in a child process: loading `electron` may first try to download the binary and prints
 * its progress and stack traces; the user gets one line saying why instead.
 */
function electronBinary() {
  const probe =
    "try { process.stdout.write('SPIKELAB_PATH:' + String(require('electron'))); }" +
    " catch (e) { process.stdout.write('SPIKELAB_WHY:' + String((e && e.message) || e).split('\\n')[0]); process.exit(3); }";
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  const out = r.stdout || '';
  const why = /SPIKELAB_WHY:(.*)/.exec(out);
  if (why) return { path: null, why: why[1].replace(/(TypeError|Error):.*$/, '').trim().slice(0, 200) };
  const found = /SPIKELAB_PATH:(.*)/.exec(out);
  if (!found) return { path: null, why: r.error ? r.error.message : `probing the electron package failed (exit ${r.status})` };
  const p = found[1].trim();
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
