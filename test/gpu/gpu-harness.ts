/**
 * Test helpers for GPU tests: a device from the same acquisition path as the backend (so a missing
 * adapter FAILS the test instead of skipping it), a one-shot runner for small test kernels, and
 * the CLI with its output captured.
 */
import { acquireGpuDevice, type GpuDeviceHandle } from '../../src/backends/webgpu/device.js';
import { BUFFER_USAGE, MAP_MODE_READ } from '../../src/backends/webgpu/buffer-pool.js';
import { main } from '../../src/cli/main.js';

/** `trimfit <args>` in this process: its exit code and what it wrote to stdout and stderr. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (s) => { stdout += s + '\n'; }, err: (s) => { stderr += s + '\n'; } });
  return { code, stdout, stderr };
}

export async function requireGpu(): Promise<GpuDeviceHandle> {
  // acquireGpuDevice throws TrimfitError('backend-unavailable') without an adapter: the test fails.
  return acquireGpuDevice();
}

/** Runs `main` of `code` over `invocations` (workgroup 64) with one read-only input and one u32 output buffer. */
export async function runTestKernel(device: GPUDevice, code: string, input: Uint32Array<ArrayBuffer>, outputWords: number, invocations: number): Promise<Uint32Array> {
  const module = device.createShaderModule({ label: 'trimfit.test.module', code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) throw new Error(errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n'));
  const pipeline = device.createComputePipeline({ label: 'trimfit.test.pipeline', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const inBuf = device.createBuffer({ label: 'trimfit.test.input', size: Math.max(16, input.byteLength), usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_DST });
  const outBytes = Math.max(16, 4 * outputWords);
  const outBuf = device.createBuffer({ label: 'trimfit.test.output', size: outBytes, usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC });
  const readBuf = device.createBuffer({ label: 'trimfit.test.readback', size: outBytes, usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST });
  device.queue.writeBuffer(inBuf, 0, input);
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: inBuf } }, { binding: 1, resource: { buffer: outBuf } }] });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(invocations / 64));
  pass.end();
  encoder.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
  device.queue.submit([encoder.finish()]);
  await readBuf.mapAsync(MAP_MODE_READ);
  const out = new Uint32Array(readBuf.getMappedRange().slice(0, 4 * outputWords));
  readBuf.unmap();
  for (const b of [inBuf, outBuf, readBuf]) b.destroy();
  return out;
}
