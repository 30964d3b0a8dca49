// Builds dist/conformance.js (the conformance spec without vitest, through bench/vitest-shim.ts) and
// dist/host-path.js (the WebGPU backend's host work per call without a device, bench/host-path.ts).
// Run after the library build (`npm run build:conformance`): it adds to dist/ and empties nothing.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { vitest: fileURLToPath(new URL('./vitest-shim.ts', import.meta.url)) } },
  build: {
    ssr: true,
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: {
        conformance: fileURLToPath(new URL('./conformance-node.ts', import.meta.url)),
        'host-path': fileURLToPath(new URL('./host-path.ts', import.meta.url)),
      },
      output: { entryFileNames: '[name].js', chunkFileNames: 'conformance-chunks/[name]-[hash].js', format: 'es' },
    },
  },
});
