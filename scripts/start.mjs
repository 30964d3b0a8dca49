#!/usr/bin/env node
// `npm start [-- --port N] [-- --host H]`: serves the sweep page (app/) with Vite's dev server.
import { createServer } from 'vite';

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`--${name}: expected a value, received nothing`);
    process.exit(2);
  }
  return value;
}

const portText = option('port');
const port = portText === undefined ? 5173 : Number(portText);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port: expected an integer in [1, 65535], received ${JSON.stringify(portText)}`);
  process.exit(2);
}
const host = option('host');

// An explicitly requested port must be that port or fail; the default may move to a free one.
const server = await createServer({
  configFile: new URL('../app/vite.config.ts', import.meta.url).pathname,
  server: { port, strictPort: portText !== undefined, ...(host === undefined ? {} : { host }) },
});
await server.listen();
server.printUrls();
