// The sweep page: `npm start` serves it (scripts/start.mjs), `npm run build:app` writes app-dist/.
// The page embeds the RETU curves from the shared data folder beside the repository, so the dev
// server must be allowed to read outside its root.
import { defineConfig, type Plugin } from 'vite';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserThreads } from '../scripts/vite-threads.js';

const appDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const retuDir = fileURLToPath(new URL('../../shared/data/retu', import.meta.url));

/**
 * Without the data folder the page builds with no embedded curves (its glob imports match nothing)
 * and only says so in the page; this makes the build or dev server say it too.
 */
const warnWithoutRetuData = (): Plugin => ({
  name: 'trimfit-retu-data-check',
  configResolved(config) {
    if (!existsSync(retuDir)) config.logger.warn(`trimfit: no RETU data at ${retuDir}; the page will have no embedded curves (users can still load CSV/JSON files).`);
  },
});

export default defineConfig({
  root: appDir,
  plugins: [warnWithoutRetuData(), browserThreads()],
  // Module workers import the library, so they are bundled as ES modules with the same twin.
  worker: { format: 'es', plugins: () => [browserThreads()] },
  base: './',
  server: { port: 5173, fs: { allow: [repoDir, retuDir] } },
  preview: { port: 4173 },
  build: {
    outDir: fileURLToPath(new URL('../app-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The sweep page and the benchmark page (bench.html).
    rollupOptions: { input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), bench: fileURLToPath(new URL('./bench.html', import.meta.url)) } },
  },
});
