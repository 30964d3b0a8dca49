/**
 * Picks the candidate backend for a piece of work and says why. 'auto' uses WebGPU when an adapter
 * exists and the work is big enough to pay for pipeline compilation and transfers, else the CPU.
 * The CPU side is the worker pool for big work and f64 on the calling thread for small work.
 * Thresholds live in TUNING (one documented registry).
 */
import type { CandidateBackend } from './backend.js';
import type { BackendInfo } from '../api/result.js';
import { TrimfitError } from '../api/errors.js';
import type { LtsKernelVariantName } from './webgpu/tuning.js';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export const TUNING = {
  /** Below this many candidate fits, 'auto' stays on the CPU (GPU start-up would dominate). */
  minGpuCandidates: 200_000,
  /** Below this many candidate fits, the CPU runs on the calling thread (worker start-up would dominate). */
  minWorkerCandidates: 20_000,
} as const;

export interface SelectedBackend {
  /** null: evaluate in-line in f64 on the calling thread. */
  backend: CandidateBackend | null;
  info: BackendInfo;
}

export interface SelectOptions {
  /** Estimated candidate fits of the work. */
  candidates: number;
  /** Worker count for the CPU pool. @default hardware concurrency */
  workers?: number;
  device?: GPUDevice;
  /** Layout of the WebGPU candidate kernel (a name from tuning.ts); undefined: the adapter's default. */
  kernelVariant?: LtsKernelVariantName;
  /** Browsers: module-worker factory for the CPU pool (see FitterOptions.createWorker). */
  createWorker?: () => Worker;
}

async function cpu(options: SelectOptions, reason: string): Promise<SelectedBackend> {
  const inBrowser = typeof process === 'undefined' || !process.versions?.node;
  if (options.candidates < TUNING.minWorkerCandidates || options.workers === 1 || (inBrowser && !options.createWorker)) {
    return { backend: null, info: { name: 'cpu', description: 'f64, calling thread', reason: `${reason}; small work runs on the calling thread` } };
  }
  const { createWorkerPool } = await import('./cpu/worker-pool.js');
  const pool = await createWorkerPool({ workers: options.workers, createWorker: options.createWorker });
  return { backend: pool, info: { name: 'cpu', description: pool.description, reason } };
}

async function webgpu(options: SelectOptions): Promise<SelectedBackend> {
  const { createWebGpuBackend } = await import('./webgpu/webgpu-backend.js');
  const backend = await createWebGpuBackend({ device: options.device, variant: options.kernelVariant });
  return { backend, info: { name: 'webgpu', description: backend.description, reason: 'requested' } };
}

export async function selectBackend(choice: BackendChoice, options: SelectOptions): Promise<SelectedBackend> {
  if (choice === 'cpu') return cpu(options, 'requested');
  if (choice === 'webgpu') return webgpu(options);
  if (choice !== 'auto') throw new TrimfitError('invalid-option', 'backend', 'auto, webgpu or cpu', choice);
  if (options.candidates < TUNING.minGpuCandidates && !options.device) return cpu(options, `auto: ${options.candidates} candidate fits is below the GPU threshold (${TUNING.minGpuCandidates})`);
  try {
    const s = await webgpu(options);
    return { ...s, info: { ...s.info, reason: 'auto: WebGPU adapter available' } };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return cpu(options, `auto: WebGPU unavailable (${why})`);
  }
}
