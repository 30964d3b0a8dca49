/**
 * Host memory that the WebGPU backend reuses from call to call (the tables of a prepared batch)
 * and from chunk to chunk (a chunk's packed structs), grown as needed. Freshly allocated memory
 * costs a page fault per 4 KiB at its first write, which for a batch of 10^7 candidates or a
 * chunk of 2^20 can cost more than the work written into it (about 10–17 µs a page on a
 * sandboxed Linux host). Views taken from a scratch are valid until the same role is taken again.
 */
export class HostScratch {
  private readonly buffers = new Map<string, ArrayBuffer>();

  /** An ArrayBuffer of at least `bytes` bytes for `role`; its contents are whatever was last written. */
  take(role: string, bytes: number): ArrayBuffer {
    const held = this.buffers.get(role);
    if (held && held.byteLength >= bytes) return held;
    // Room to grow by half, so that batches of slowly growing size do not reallocate every time.
    const buffer = new ArrayBuffer(Math.max(bytes, Math.ceil(1.5 * (held?.byteLength ?? 0))));
    this.buffers.set(role, buffer);
    return buffer;
  }
}

interface TypedArrayType<T> {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * `length` elements of `type` for `role`: a view of the scratch's memory (contents left from an
 * earlier use) or, without a scratch, a new zeroed array.
 */
export function scratchArray<T>(scratch: HostScratch | undefined, role: string, type: TypedArrayType<T>, length: number): T {
  const bytes = length * type.BYTES_PER_ELEMENT;
  return new type(scratch ? scratch.take(role, bytes) : new ArrayBuffer(bytes), 0, length);
}
