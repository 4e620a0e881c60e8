#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is TypeScript compiled to out/node by `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'out', 'node', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`spikelab: ${entry} is missing; run \`npm run build\` first.\n`);
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
