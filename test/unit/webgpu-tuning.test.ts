// The kernel-variant registry and the operation count used to relate speed to hardware limits.
import { describe, expect, it } from 'vitest';
import { ltsOpCount } from '../../src/backends/webgpu/flops.js';
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
