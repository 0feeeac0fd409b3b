#!/usr/bin/env node
'use strict';
// `station` CLI entry (package.json "bin"). Runs the TypeScript core directly through tsx's
// CommonJS hook, so the CLI is always the code in src/ and needs no build step or Electron.
const path = require('node:path');
require('tsx/cjs/api').register();
const { main } = require(path.join(__dirname, '..', 'src', 'main', 'cli', 'station-cli.ts'));
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`station: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 70;
  },
);
