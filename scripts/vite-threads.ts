// Which twin of src/backends/cpu/threads.ts a build gets. The source imports threads.js (the Node
// side); a browser build from the source takes threads.browser.ts instead, and the library build
// leaves the choice to the consumer's resolver through the package's `#threads` import (package.json
// "imports": "node" → dist/threads.js, otherwise dist/threads.browser.js).
import type { Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

export const threadsNode = fileURLToPath(new URL('../src/backends/cpu/threads.ts', import.meta.url));
export const threadsBrowser = fileURLToPath(new URL('../src/backends/cpu/threads.browser.ts', import.meta.url));

function redirectThreads(name: string, to: (id: string) => string | { id: string; external: true }): Plugin {
  return {
    name,
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !source.endsWith('/threads.js')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === threadsNode ? to(resolved.id) : null;
    },
  };
}

/** Browser builds from the source: every import of threads.ts gets threads.browser.ts. */
export const browserThreads = (): Plugin => redirectThreads('trimfit-browser-threads', () => threadsBrowser);

/** The library build: imports of threads.ts become the external `#threads`, resolved where the package is used. */
export const packageThreads = (): Plugin => redirectThreads('trimfit-package-threads', () => ({ id: '#threads', external: true }));
