/**
 * Which engine runs the search, as the page's badge reports it. Runs on the main thread (for the
 * badge before a run) and in each worker (what actually ran). The library's public entry offers the
 * f64 CPU evaluator only, so a WebGPU adapter, when present, is named but not used.
 */
import type { BackendReport } from './protocol.js';

export async function detectBackend(nav: { gpu?: GPU }): Promise<BackendReport> {
  const cpu = (reason: string, adapter: string | null): BackendReport => ({ name: 'cpu', description: 'f64 in Web Workers', reason, adapter });
  if (!nav.gpu) return cpu('no WebGPU in this browser (navigator.gpu is undefined)', null);
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return cpu('no WebGPU adapter (requestAdapter returned null)', null);
    const info = adapter.info;
    const name = [info.vendor, info.architecture, info.device, info.description].filter((p) => p).join(' ') || 'WebGPU adapter';
    return cpu(`WebGPU adapter "${name}" found, but the library's public entry has no WebGPU search backend yet`, name);
  } catch (e) {
    return cpu(`WebGPU adapter request failed: ${(e as Error).message}`, null);
  }
}
