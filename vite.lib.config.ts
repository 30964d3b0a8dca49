// Builds the Node/npm library into dist/: the public entry, the CLI, the CPU worker and the bench runner, with the
// WGSL shaders inlined (`?raw`) so they resolve from node_modules without file-system reads.
import { defineConfig } from 'vite';
import { packageThreads, threadsBrowser, threadsNode } from './scripts/vite-threads.js';

export default defineConfig({
  plugins: [packageThreads()],
  build: {
    ssr: true,
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        index: 'src/index.ts',
        node: 'src/node.ts',
        cli: 'src/cli/main.ts',
        'fit.worker': 'src/workers/fit.worker.ts',
        // The GPU performance run (node dist/gpu-perf.js; see docs/performance.md).
        'gpu-perf': 'src/backends/webgpu/perf-entry.ts',
        // `node dist/bench.js`: the benchmark runner (npm run bench, bench/run-gpu.sh).
        bench: 'src/bench/main.ts',
        // The two twins behind the package's `#threads` import (scripts/vite-threads.ts).
        threads: threadsNode,
        'threads.browser': threadsBrowser,
      },
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', format: 'es' },
    },
  },
});
