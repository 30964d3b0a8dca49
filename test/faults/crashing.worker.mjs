// fit.worker with a fault injected: the first `search` in the process tree (marker file absent)
// creates the marker and exits the worker abruptly, as an out-of-memory kill or a native crash would.
import { existsSync, writeFileSync } from 'node:fs';
import { workerApi } from '../../dist/fit.worker.js';

const marker = process.env.TRIMFIT_CRASH_MARKER;
const search = workerApi.search;
workerApi.search = async (...args) => {
  if (marker && !existsSync(marker)) {
    writeFileSync(marker, 'crashed');
    workerApi.crash();
  }
  return search(...args);
};
