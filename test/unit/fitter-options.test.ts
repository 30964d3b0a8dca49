// createFitter checks its options at the door: a bad choice is a typed error naming the option.
import { describe, expect, it } from 'vitest';
import { createFitter, LTS_KERNEL_VARIANTS, TrimfitError } from '../../src/index.js';

describe('createFitter options', () => {
  it('rejects an unknown backend, naming the option', async () => {
    await expect(createFitter({ backend: 'gpu' as 'cpu' })).rejects.toMatchObject({ code: 'invalid-option', field: 'backend', received: JSON.stringify('gpu') });
  });

  it('rejects an unknown kernel variant, listing the known ones', async () => {
    const err = await createFitter({ kernelVariant: 'fastest' as 'baseline' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrimfitError);
    expect(err).toMatchObject({ code: 'invalid-option', field: 'kernelVariant', received: JSON.stringify('fastest') });
    for (const name of Object.keys(LTS_KERNEL_VARIANTS)) expect((err as TrimfitError).expected).toContain(name);
  });

  it('accepts every registered kernel variant (it only matters once a WebGPU backend is made)', async () => {
    for (const name of Object.keys(LTS_KERNEL_VARIANTS) as (keyof typeof LTS_KERNEL_VARIANTS)[]) {
      const fitter = await createFitter({ backend: 'cpu', workers: 1, kernelVariant: name });
      const items = [];
      for await (const item of fitter.fitSweep([{ x: [1, 2, 4, 8, 16, 32, 64, 128], y: [1, 2, 4, 6, 7, 7.5, 7.7, 7.8] }], { grid: 'single' })) items.push(item);
      expect(items.map((i) => i.result.status)).not.toContain('failed');
      await fitter.dispose();
    }
  });
});
