// The kernel-variant registry and the operation count used to relate speed to hardware limits.
import { describe, expect, it } from 'vitest';
import { ltsOpCount } from '../../src/backends/webgpu/flops.js';
import { fastestVariant, profileRowGpuRate, type KernelProfileRow } from '../../src/backends/webgpu/kernel-profile.js';
import {
  LTS_DEFAULT_VARIANT, LTS_KERNEL_VARIANTS, LTS_POOL_TIERS, LTS_SOFTWARE_DEFAULT_VARIANT, defaultVariantFor, isLtsKernelVariantName,
} from '../../src/backends/webgpu/tuning.js';

describe('LTS kernel variant registry', () => {
  it('has ascending pool tiers and valid workgroup sizes', () => {
    for (let i = 1; i < LTS_POOL_TIERS.length; i++) expect(LTS_POOL_TIERS[i]).toBeGreaterThan(LTS_POOL_TIERS[i - 1]);
    for (const v of Object.values(LTS_KERNEL_VARIANTS)) expect([32, 64, 128, 256]).toContain(v.workgroupSize);
  });

  it('picks the software default on SwiftShader and lavapipe, the hardware default elsewhere', () => {
    expect(defaultVariantFor('google swiftshader swiftshader-device-subzero- SwiftShader driver 5.0.0')).toBe(LTS_SOFTWARE_DEFAULT_VARIANT);
    expect(defaultVariantFor('mesa llvmpipe lavapipe')).toBe(LTS_SOFTWARE_DEFAULT_VARIANT);
    expect(defaultVariantFor('nvidia nvidia-h100-80gb-hbm3')).toBe(LTS_DEFAULT_VARIANT);
    expect(isLtsKernelVariantName(LTS_DEFAULT_VARIANT) && isLtsKernelVariantName(LTS_SOFTWARE_DEFAULT_VARIANT)).toBe(true);
    expect(isLtsKernelVariantName('toString')).toBe(false);
  });
});

describe('ltsOpCount', () => {
  const shape = { m: 64, h: 48, nParams: 3, cSteps: 2, gnIterations: 8, fusedGn: true, bisectionPasses: 33 };

  it('fusing the Gauss–Newton passes saves one exp and one division per point and iteration', () => {
    const fused = ltsOpCount(shape);
    const twoPass = ltsOpCount({ ...shape, fusedGn: false });
    // Refits: cSteps·G·h points, plus the start fit's G·p, each skipping 2 SFU ops.
    expect(twoPass.sfuOps - fused.sfuOps).toBe(2 * shape.gnIterations * (shape.cSteps * shape.h + shape.nParams));
    expect(fused.flops).toBeLessThan(twoPass.flops);
  });

  it('a dense refit evaluates the model on all m points and adds the terms of h', () => {
    const sparse = ltsOpCount(shape);
    const dense = ltsOpCount({ ...shape, denseGn: true });
    // The m − h trimmed points cost f, ∇f and r (2 SFU ops each) in every pass of every refit.
    const trimmedEvaluations = shape.cSteps * (shape.gnIterations + 1) * (shape.m - shape.h);
    expect(dense.sfuOps - sparse.sfuOps).toBe(2 * trimmedEvaluations);
    expect(dense.flops - sparse.flops).toBe(trimmedEvaluations * 17);
    // Only with the fused passes; the two-pass kernel has no dense walk.
    expect(ltsOpCount({ ...shape, fusedGn: false, denseGn: true })).toEqual(ltsOpCount({ ...shape, fusedGn: false }));
  });

  it('scales the selection work with passes and pool size', () => {
    expect(ltsOpCount({ ...shape, bisectionPasses: 11 }).selectionIntOps * 3).toBe(ltsOpCount(shape).selectionIntOps);
    expect(ltsOpCount({ ...shape, m: 128, h: 96 }).flops).toBeGreaterThan(1.9 * ltsOpCount(shape).flops);
  });
});

describe('fastestVariant', () => {
  const ok = { jobs: 4, agree: 4, sameSubset: 4, detail: [] };
  const row = (n: number, variant: string, gpuCandidatesPerS: number | undefined, extra: object = {}) =>
    ({ n, variant, gpuCandidatesPerS, checkF64: ok, ...extra }) as KernelProfileRow;

  it('picks the highest GPU-only rate at n among rows that ran cleanly and agreed with f64', () => {
    const rows = [
      row(64, 'baseline', 6e7),
      row(64, 'unrolled-early', 7e7),
      row(64, 'unrolled-early-dense', 9e7, { checkF64: { ...ok, agree: 3 } }),
      row(64, 'unrolled-early-flat', 9.5e7, { error: 'GPUPipelineError: compile' }),
      row(64, 'fused-early', 9.9e7),
      row(64, 'unrolled-early-dense-flat', undefined, { skipped: 'time budget of 100 s spent', checkF64: undefined }),
      row(16, 'unrolled-early-flat', 3e8),
    ];
    // The dense row disagreed with f64 on one job, the flat one failed, 'fused-early' is no longer registered.
    expect(fastestVariant({ rows }, 64)).toBe('unrolled-early');
    expect(fastestVariant({ rows }, 16)).toBe('unrolled-early-flat');
    expect(fastestVariant({ rows }, 256)).toBeUndefined();
    expect(fastestVariant({ rows: [row(64, 'baseline', 1e7, { checkF64: { ...ok, jobs: 0, agree: 0 } })] }, 64)).toBeUndefined();
  });

  it('ranks by the passes timed on the GPU clock where a row has them', () => {
    // 'baseline' waited less in its serial call, but its passes took longer on the GPU clock.
    const rows = [
      row(64, 'baseline', 9e7, { passesCandidatesPerS: 1.1e8 }),
      row(64, 'unrolled-early', 7e7, { passesCandidatesPerS: 1.9e8 }),
    ];
    expect(fastestVariant({ rows }, 64)).toBe('unrolled-early');
    expect(profileRowGpuRate(rows[0])).toBe(1.1e8);
    expect(profileRowGpuRate(row(64, 'baseline', 9e7))).toBe(9e7);
  });
});
