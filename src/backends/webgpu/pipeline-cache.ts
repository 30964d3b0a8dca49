/**
 * Compute pipelines per device, keyed by compile-time facts only (kernel, model, N_PARAMS,
 * MAX_POOL, workgroup size); sizes that vary per batch travel as uniforms. The WeakMap lets a
 * device's pipelines go with it. A failed compilation is not cached.
 */
import { TrimfitError } from '../../api/errors.js';

const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export interface PipelineSpec {
  /** Cache key: must determine `code` completely. */
  key: string;
  /** `trimfit.<kernel>` (suffixed with .module / .pipeline). */
  label: string;
  code: string;
  entryPoint?: string;
}

async function compile(device: GPUDevice, spec: PipelineSpec): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: `${spec.label}.module`, code: spec.code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const text = errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
    throw new TrimfitError('internal', spec.label, 'WGSL that compiles', 'compilation errors', `${spec.label}: WGSL compilation failed: ${text}`);
  }
  try {
    return await device.createComputePipelineAsync({
      label: `${spec.label}.pipeline`,
      layout: 'auto',
      compute: { module, entryPoint: spec.entryPoint ?? 'main' },
    });
  } catch (e) {
    throw new TrimfitError('internal', spec.label, 'a valid compute pipeline', 'pipeline error', `${spec.label}: pipeline creation failed: ${(e as Error).message}`);
  }
}

export function getPipeline(device: GPUDevice, spec: PipelineSpec): Promise<GPUComputePipeline> {
  let perDevice = cache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    cache.set(device, perDevice);
  }
  let pipeline = perDevice.get(spec.key);
  if (!pipeline) {
    pipeline = compile(device, spec);
    perDevice.set(spec.key, pipeline);
    pipeline.catch(() => perDevice.delete(spec.key));
  }
  return pipeline;
}
