#!/usr/bin/env node
'use strict';
// `npm start`: browser mode from its bundle in out/node when it is up to date with src/, else
// from the TypeScript source through tsx (see node-entry.cjs for the choice).
const path = require('node:path');
const { loadNodeEntry } = require('./node-entry.cjs');

const { runBrowserMode } = loadNodeEntry(
  path.join(__dirname, '..'),
  'browser-mode',
  path.join('src', 'main', 'hosts', 'loopback', 'start-browser-mode.ts'),
);
runBrowserMode(process.argv.slice(2));
