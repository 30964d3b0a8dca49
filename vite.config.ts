// The sweep page (app/) and the test projects. VK_ICD_FILENAMES must be set in the main process
// before any Dawn device is created (a worker's process.env is a copy), so it is set here.
import { defineConfig } from 'vitest/config';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

export default defineConfig({
  root: '.',
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/conformance/**/*.cpu.test.ts', 'test/fuzz/sample.test.ts', 'test/faults/**/*.test.ts'], exclude: ['**/*.gpu.test.ts', '**/node_modules/**'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: 'gpu', include: ['test/gpu/**/*.test.ts', 'test/conformance/**/*.webgpu.test.ts', 'test/faults/**/*.gpu.test.ts'], testTimeout: 300_000, pool: 'forks', fileParallelism: false },
      },
      {
        extends: true,
        // Each file starts its own Vite server and Chromium: one at a time on a small machine.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 120_000, pool: 'forks', fileParallelism: false },
      },
      {
        extends: true,
        // The full property run (10^5 generated inputs): `npm run test:fuzz`.
        test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], testTimeout: 600_000 },
      },
      {
        extends: true,
        // Packs the tarball and installs it into temp copies of examples/: one file, run alone.
        test: { name: 'examples', include: ['test/examples/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, pool: 'forks', fileParallelism: false },
      },
    ],
  },
});
