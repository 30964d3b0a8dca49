/**
 * The only reader of shaders/: WGSL arrives as text through Vite's `?raw` (inlined by the library
 * builds, so nothing reads the file system at run time). WGSL has no includes and no
 * override-sized private arrays, so a module is assembled as: compile-time constants, the lib
 * pieces, the kernel. The constants are the pipeline's compile-time facts (see pipeline-cache.ts).
 */
import rngWgsl from '../../../shaders/lib/rng.wgsl?raw';
import sigmoidWgsl from '../../../shaders/lib/sigmoid.wgsl?raw';
import gatherPoolWgsl from '../../../shaders/gather_pool.wgsl?raw';
import ltsCandidatesWgsl from '../../../shaders/lts_candidates.wgsl?raw';
import selectBestWgsl from '../../../shaders/select_best.wgsl?raw';

export const WGSL_LIB = { rng: rngWgsl, sigmoid: sigmoidWgsl } as const;
export type WgslLibName = keyof typeof WGSL_LIB;

export const WGSL_KERNELS = { gather_pool: gatherPoolWgsl, lts_candidates: ltsCandidatesWgsl, select_best: selectBestWgsl } as const;
export type WgslKernelName = keyof typeof WGSL_KERNELS;

/** `const NAME: u32 = value;` lines; every value is a non-negative integer fact. */
function constantsHeader(constants: Readonly<Record<string, number>>): string {
  return Object.entries(constants)
    .map(([name, value]) => {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`WGSL constant ${name} must be a u32, got ${value}`);
      return `const ${name}: u32 = ${value}u;`;
    })
    .join('\n');
}

/** A complete WGSL module: constants, then the named lib pieces in order, then the kernel. */
export function assembleShader(kernel: WgslKernelName | { source: string }, libs: readonly WgslLibName[], constants: Readonly<Record<string, number>>): string {
  const body = typeof kernel === 'string' ? WGSL_KERNELS[kernel] : kernel.source;
  return [constantsHeader(constants), ...libs.map((name) => WGSL_LIB[name]), body].join('\n\n');
}
