/**
 * Which engine the page runs the search on, and why. WebGPU is used when the browser gives a
 * hardware adapter; a software fallback adapter (e.g. SwiftShader) computes on the same CPU cores
 * as the workers, so 'auto' keeps the f64 CPU engine there unless WebGPU is asked for by name.
 */
import type { BackendReport } from './protocol.js';

export type PageBackendChoice = 'auto' | 'webgpu' | 'cpu';
export const PAGE_BACKENDS: readonly PageBackendChoice[] = ['auto', 'webgpu', 'cpu'];

export interface AdapterInfo {
  /** Adapter name (vendor, architecture, device, description), or null when there is none. */
  name: string | null;
  fallback: boolean;
  /** Why there is no adapter, when there is none. */
  missing: string;
}

export async function detectAdapter(nav: { gpu?: GPU }): Promise<AdapterInfo> {
  if (!nav.gpu) return { name: null, fallback: false, missing: 'no WebGPU in this browser' };
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return { name: null, fallback: false, missing: 'no WebGPU adapter' };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const name = [info.vendor, info.architecture, info.device, info.description].filter((p) => p).join(' ') || 'WebGPU adapter';
    const fallback = info.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
    return { name, fallback, missing: '' };
  } catch (e) {
    return { name: null, fallback: false, missing: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

/**
 * The engine for a run, in `cpuWorkers` search workers either way: f64 on the CPU, or WebGPU, where
 * each worker has its own device and sends its curve's LTS candidates to the GPU while it runs
 * Stage 1, the polish and the scoring itself. That host work is most of a search's time once the
 * candidates are on the GPU, so a single WebGPU worker would leave the page slower than the CPU
 * workers on a machine with several cores (the library's sweeps do the same with their worker pool).
 */
export function chooseBackend(choice: PageBackendChoice, adapter: AdapterInfo, cpuWorkers: number): { engine: 'webgpu' | 'cpu'; workers: number; report: BackendReport } {
  const cpu = (reason: string) => ({ engine: 'cpu' as const, workers: cpuWorkers, report: { name: 'cpu' as const, description: `f64 in ${cpuWorkers} Web Worker${cpuWorkers === 1 ? '' : 's'}`, reason, adapter: adapter.name } });
  // Reasons read as plain sentences in the badge and point at the Backend select, not at URL syntax.
  if (choice === 'cpu') return cpu('chosen in Backend');
  if (adapter.name === null) return cpu(adapter.missing);
  if (choice === 'auto' && adapter.fallback) return cpu(`WebGPU adapter "${adapter.name}" is a software fallback (no faster than the CPU here); choose WebGPU in Backend to use it`);
  const description = `${adapter.name}; Stage 1 and polish in ${cpuWorkers} Web Worker${cpuWorkers === 1 ? '' : 's'}`;
  return { engine: 'webgpu', workers: cpuWorkers, report: { name: 'webgpu', description, reason: choice === 'webgpu' ? 'chosen in Backend' : 'auto: a hardware WebGPU adapter is available', adapter: adapter.name } };
}
