// createFitter checks its options at the door: a bad choice is a typed error naming the option.
import { describe, expect, it } from 'vitest';
import { createFitter, expandGrid, FULL_GRID, LTS_KERNEL_VARIANTS, TrimfitError } from '../../src/index.js';

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

const smallCurve = (k = 0) => ({ x: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], y: [1, 2, 4, 6, 7, 7.5, 7.7, 7.8, 7.85, 7.9].map((v) => v + 0.01 * k) });

/** Drains a sweep; resolves to its items or rejects with its error. */
async function drain(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of it) out.push(item);
  return out;
}

describe('createFitter and fitSweep check every option at the door', () => {
  it('refuses bad worker counts and option values, naming the field', async () => {
    for (const workers of [0, -3, 1.5, NaN]) await expect(createFitter({ workers })).rejects.toMatchObject({ code: 'invalid-option', field: 'workers' });
    await expect(createFitter({ createWorker: 5 as unknown as () => Worker })).rejects.toMatchObject({ field: 'createWorker' });
    await expect(createFitter({ backend: 'cpu', wrokers: 2 } as unknown as object)).rejects.toMatchObject({ field: 'options.wrokers', expected: expect.stringContaining('did you mean workers') });
  });

  it('refuses bad sweep options from the first next(), before any work', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const bad: Array<[object, string]> = [
      [{ chunkCurves: 0 }, 'chunkCurves'],
      [{ grid: 'bogus' }, 'grid'],
      [{ grid: { ...FULL_GRID, taus: undefined } }, 'grid.taus'],
      [{ grid: { ...FULL_GRID, taus: [2.5, 0] } }, 'grid.taus[1]'],
      [{ grid: { ...FULL_GRID, ltsAlphas: [null, 0.3] } }, 'grid.ltsAlphas[1]'],
      [{ grid: { ...FULL_GRID, minTrainPoints: 1.5 } }, 'grid.minTrainPoints'],
      [{ grid: { ...FULL_GRID, tau: [3] } }, 'grid.tau'],
      [{ signal: 42 }, 'signal'],
      [{ onProgress: 5 }, 'onProgress'],
      [{ alhpa: 0.9 }, 'options.alhpa'],
      [{ bootstrap: { resample: 10 } }, 'bootstrap.resample'],
    ];
    for (const [options, field] of bad) await expect(drain(fitter.fitSweep([smallCurve()], options as never)), field).rejects.toMatchObject({ code: 'invalid-option', field });
    await fitter.dispose();
  });

  it('fit() refuses a misspelt option instead of ignoring it', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    await expect(fitter.fit(smallCurve(), { alhpa: 0.9 } as never)).rejects.toMatchObject({ code: 'invalid-option', field: 'options.alhpa', expected: expect.stringContaining('alpha') });
    await fitter.dispose();
  });

  it('ε belongs to the sigmoid: freeEpsilon elsewhere is refused, and a grid search of another model skips the free-ε twins', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    await expect(fitter.fit(smallCurve(), { model: 'power', freeEpsilon: true })).rejects.toMatchObject({ code: 'invalid-option', field: 'freeEpsilon', expected: 'false for the power model (only the sigmoid has ε)' });
    const x = Array.from({ length: 40 }, (_, i) => i + 1);
    const curve = { x, y: x.map((v) => 3 * Math.pow(v, 0.4) + 0.05 * Math.sin(v)) };
    const [item] = (await drain(fitter.fitSweep([curve], { model: 'power', ltsStarts: 4 }))) as Array<{ settingsTried: number }>;
    const all = expandGrid(40, FULL_GRID);
    expect(item.settingsTried).toBe(all.filter((h) => !h.freeEpsilon).length);
    expect(item.settingsTried).toBe(all.length / 2);
    await fitter.dispose();
  });

  it('the sigmoid\'s bounds (score cap and floor, b, cMid) are refused for other models, once at the door of a sweep', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    for (const [field, value] of [['scoreCap', 100], ['scoreFloor', 0], ['bMin', 0.1], ['bMax', 5], ['cMidMin', 1], ['cMidMax', 10]] as const) {
      await expect(fitter.fit(smallCurve(), { model: 'power', [field]: value })).rejects.toMatchObject({ code: 'invalid-option', field, expected: `no ${field} for the power model (it bounds the sigmoid's parameters)`, received: String(value) });
    }
    // An infinite cap or floor bounds nothing.
    await expect(fitter.fit(smallCurve(), { model: 'log', scoreCap: Infinity, scoreFloor: -Infinity })).resolves.toMatchObject({ model: 'log' });
    // A sweep refuses them before any curve, instead of failing every curve with the same error.
    await expect(drain(fitter.fitSweep([smallCurve(), smallCurve()], { model: 'exp', scoreCap: 100, grid: 'single' }))).rejects.toMatchObject({ code: 'invalid-option', field: 'scoreCap' });
    await expect(drain(fitter.fitSweep([smallCurve()], { model: 'linear', freeEpsilon: true, grid: 'single' }))).rejects.toMatchObject({ code: 'invalid-option', field: 'freeEpsilon' });
    // The sigmoid takes them.
    expect((await fitter.fit(smallCurve(), { scoreCap: 100, scoreFloor: 0, bMax: 5 })).model).toBe('sigmoid');
    await fitter.dispose();
  });

  it('a validation range that starts past the data is refused', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    await expect(fitter.fit(smallCurve(), { train: [0, 6], val: [10, 20] })).rejects.toMatchObject({ code: 'invalid-option', field: 'val[0]', expected: 'an integer in [0, 9]' });
    // Its end may pass the data (the released settings use 100): it is clipped.
    expect((await fitter.fit(smallCurve(), { train: [0, 6], val: [6, 100] })).diagnostics.nVal).toBe(4);
    await fitter.dispose();
  });

  it("a curve's failure names the curve", async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const items = (await drain(fitter.fitSweep([smallCurve(), { x: [1, 2, 3, 4], y: [1, 2, 3, 4] }], { grid: 'single' }))) as Array<{ result: { status: string; error?: { field: string; message: string; received: string } } }>;
    expect(items[0].result.status).not.toBe('failed');
    expect(items[1].result.error).toMatchObject({ field: 'curves[1].train' });
    expect(items[1].result.error!.message).toMatch(/^curves\[1\]\.train: /);
    // received stays as the curve's check rendered it (strings quoted once), not quoted a second time.
    expect(items[1].result.error).toMatchObject({ received: JSON.stringify('2 (range [0, 2) of 4 points)') });
    await fitter.dispose();
  });
});

describe('fitter lifetime and abort', () => {
  it('a disposed fitter refuses work instead of starting workers nobody releases', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 2 });
    await drain(fitter.fitSweep([smallCurve()], { grid: 'single' }));
    await fitter.dispose();
    await expect(fitter.fit(smallCurve())).rejects.toMatchObject({ code: 'disposed', field: 'fitter' });
    await expect(drain(fitter.fitSweep([smallCurve()], { grid: 'single' }))).rejects.toMatchObject({ code: 'disposed' });
    await fitter.dispose();
  });

  it('no item arrives after the abort, and the reason given to abort() is in the message', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const controller = new AbortController();
    const seen: number[] = [];
    const curves = Array.from({ length: 12 }, (_, k) => ({ id: `c${k}`, ...smallCurve(k) }));
    const err = await (async () => {
      for await (const item of fitter.fitSweep(curves, { grid: 'single', signal: controller.signal, chunkCurves: 4 })) {
        seen.push(item.index);
        if (item.index === 1) controller.abort('user pressed stop');
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'aborted', received: JSON.stringify('user pressed stop') });
    expect((err as Error).message).toBe('the sweep was aborted: user pressed stop');
    expect(seen).toEqual([0, 1]);
    await fitter.dispose();
  });
});

describe('abort on the calling thread', () => {
  it('an abort from a timer stops a sweep that runs on the calling thread', async () => {
    // workers: 1 runs everything here; before, the sweep never let the timer run until it had finished.
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const controller = new AbortController();
    const curves = Array.from({ length: 40 }, (_, k) => ({ id: `c${k}`, ...smallCurve(k) }));
    setTimeout(() => controller.abort('timer'), 0);
    let items = 0;
    const err = await (async () => {
      for await (const _ of fitter.fitSweep(curves, { lts: true, signal: controller.signal })) items++;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'aborted', received: JSON.stringify('timer') });
    expect(items).toBeLessThan(curves.length);
    await fitter.dispose();
  });
});
