/**
 * dist/bench.js: `trimfit bench` writing bench/results/<adapter-slug>.json, and also $OUT/ when
 * that variable is set (the GPU machine collects what is written there). Arguments are passed on.
 */
import { main } from '../cli/main.js';

const outDirs = ['bench/results', ...(process.env.OUT ? [process.env.OUT] : [])];
process.exitCode = await main(['bench', ...outDirs.flatMap((d) => ['--out', d]), ...process.argv.slice(2)]);
