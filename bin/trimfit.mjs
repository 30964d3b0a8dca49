#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli.js (built by `npm run build`, which `npm ci` runs via `prepare`).
import { main } from '../dist/cli.js';
process.exitCode = await main(process.argv.slice(2));
