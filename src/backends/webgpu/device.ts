/**
 * Acquiring a GPUDevice in browsers (navigator.gpu) and in Node (Dawn through the `webgpu`
 * package), and reporting its loss as a typed event.
 *
 * Contracts:
 * - A caller's device is used as is and never destroyed by us (`ownsDevice` false).
 * - In Node the GPU object returned by Dawn's `create()` is kept in a module-level variable for the
 *   life of the process: if it is garbage-collected while a device lives, Dawn crashes at random.
 */
import { TrimfitError } from '../../api/errors.js';

export interface AcquireDeviceOptions {
  /** Use this device instead of requesting one; it is never destroyed by trimfit. @default undefined */
  device?: GPUDevice;
  /** Adapter preference passed to requestAdapter. @default 'high-performance' */
  powerPreference?: GPUPowerPreference;
}

export interface DeviceLostDetail {
  /** 'destroyed' when the device was destroyed on purpose, else 'unknown'. */
  reason: GPUDeviceLostReason;
  message: string;
}

/** Dispatched on a GpuDeviceHandle when its device is lost. */
export class DeviceLostEvent extends Event {
  readonly detail: DeviceLostDetail;
  constructor(detail: DeviceLostDetail) {
    super('device-lost');
    this.detail = detail;
  }
}

export interface GpuDeviceHandle extends EventTarget {
  readonly device: GPUDevice;
  /** e.g. "google swiftshader" or "nvidia nvidia-h100-80gb-hbm3". */
  readonly description: string;
  /** True when trimfit created the device (and may destroy it). */
  readonly ownsDevice: boolean;
  /** Resolves when the device is lost, for any reason. */
  readonly lost: Promise<DeviceLostDetail>;
  /** The loss detail once lost, else null. */
  lostDetail(): DeviceLostDetail | null;
  /** Destroys the device when we own it; a caller's device is left alone. */
  release(): void;
}

let dawnGpu: GPU | undefined;

async function gpuEntry(): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  if (!dawnGpu) {
    // A variable specifier keeps bundlers from pulling the native addon into browser builds.
    const specifier = 'webgpu';
    let mod: { create: (options: string[]) => GPU };
    try {
      mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
    } catch (e) {
      throw new TrimfitError('backend-unavailable', 'webgpu', 'the `webgpu` package (Dawn) to be installed in Node', 'not installed', `WebGPU in Node needs the \`webgpu\` package: ${(e as Error).message}`);
    }
    dawnGpu = mod.create([]);
  }
  return dawnGpu;
}

function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'WebGPU device';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p) => p && p.length > 0);
  return parts.length > 0 ? Array.from(new Set(parts)).join(' ') : 'WebGPU adapter';
}

class Handle extends EventTarget implements GpuDeviceHandle {
  readonly lost: Promise<DeviceLostDetail>;
  private detail: DeviceLostDetail | null = null;

  constructor(readonly device: GPUDevice, readonly description: string, readonly ownsDevice: boolean) {
    super();
    this.lost = device.lost.then((info) => {
      this.detail = { reason: info.reason, message: info.message };
      this.dispatchEvent(new DeviceLostEvent(this.detail));
      return this.detail;
    });
  }

  lostDetail(): DeviceLostDetail | null {
    return this.detail;
  }

  release(): void {
    if (this.ownsDevice) this.device.destroy();
  }
}

/** A device (the caller's or a new one on the preferred adapter), wrapped with loss reporting. */
export async function acquireGpuDevice(options: AcquireDeviceOptions = {}): Promise<GpuDeviceHandle> {
  if (options.device) {
    const info = (options.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return new Handle(options.device, describeAdapter(info), false);
  }
  const gpu = await gpuEntry();
  if (!gpu) throw new TrimfitError('backend-unavailable', 'navigator.gpu', 'a WebGPU implementation', 'none');
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new TrimfitError('backend-unavailable', 'adapter', 'a WebGPU adapter', null, 'adapter: requestAdapter() returned null (no usable GPU or software adapter)');
  // Ask for the adapter's storage limits: the default 128 MiB binding cap would force tiny chunks.
  // Timestamp queries, where the adapter has them, let a backend time its passes on the GPU clock
  // (WebGpuBackendOptions.passTimings); nothing uses them otherwise.
  const device = await adapter.requestDevice({
    label: 'trimfit.device',
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return new Handle(device, describeAdapter(adapter.info), true);
}

/** The error evaluate() rejects with once the device is gone (the caller then falls back to CPU). */
export function deviceLostError(detail: DeviceLostDetail): TrimfitError {
  return new TrimfitError('device-lost', 'device', 'a live GPUDevice', detail.reason, `device: the GPU device was lost (${detail.reason}): ${detail.message}`);
}
