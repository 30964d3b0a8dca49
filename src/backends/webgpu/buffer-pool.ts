/**
 * Reuses GPU buffers between batches of one backend: sizes are rounded up to a power of two
 * (≥ 256 bytes) and buffers are matched by (usage, size), so a sweep of similar batches allocates
 * once. Buffers are relabelled on reuse so each carries the label of its current role.
 */
const MIN_BUFFER_BYTES = 256;

/** GPUBufferUsage / GPUMapMode values from the WebGPU spec (Node has no such globals). */
export const BUFFER_USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const;
export const MAP_MODE_READ = 0x1;

function roundUpBytes(sizeBytes: number): number {
  let size = MIN_BUFFER_BYTES;
  while (size < sizeBytes) size *= 2;
  return size;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly all = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of at least sizeBytes with exactly this usage, labelled `label`. */
  acquire(label: string, sizeBytes: number, usage: number): GPUBuffer {
    const size = roundUpBytes(sizeBytes);
    const list = this.free.get(`${usage}:${size}`);
    const reused = list?.pop();
    if (reused) {
      reused.label = label;
      return reused;
    }
    const buffer = this.device.createBuffer({ label, size, usage });
    this.all.add(buffer);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.all.has(buffer)) return;
    const key = `${buffer.usage}:${buffer.size}`;
    const list = this.free.get(key);
    if (list) list.push(buffer);
    else this.free.set(key, [buffer]);
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
    this.all.clear();
    this.free.clear();
  }
}
