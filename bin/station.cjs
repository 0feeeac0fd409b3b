#!/usr/bin/env node
'use strict';
// `station` CLI entry (package.json "bin"). Runs the bundle in out/node when it is up to date
// with src/, else the TypeScript source through tsx's CommonJS hook, so the CLI is always the
// code in src/ and needs no build step or Electron (see node-entry.cjs for the choice).
const path = require('node:path');
const { loadNodeEntry } = require('./node-entry.cjs');

const { main } = loadNodeEntry(
  path.join(__dirname, '..'),
  'station-cli',
  path.join('src', 'main', 'hosts', 'cli', 'station-cli.ts'),
);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`station: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 70;
  },
);
