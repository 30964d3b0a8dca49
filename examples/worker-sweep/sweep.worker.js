// Runs a sweep off the page's thread: each curve searched over a small grid, progress after every
// curve, and an AbortController that the page's Cancel button triggers.
import { createFitter, isTrimfitError } from 'trimfit';

let controller = null;

function syntheticCurves(count) {
  return Array.from({ length: count }, (_, k) => {
    const x = Array.from({ length: 20 }, (_, i) => 2 ** (i / 2));
    const y = x.map((v, i) => 50 / (1 + Math.pow((20 + 5 * k) / v, 1.3)) + (i === 7 ? 10 : 0) + Math.sin(i + k));
    return { id: `curve ${k + 1}`, x, y };
  });
}

self.onmessage = async ({ data }) => {
  if (data.type === 'cancel') return controller?.abort();
  controller = new AbortController();
  // workers: 1 keeps every fit on this worker's thread (this worker is the background thread).
  const fitter = await createFitter({ backend: 'cpu', workers: 1 });
  const grid = { trainEndFractions: [0.5, 0.6, 0.7], trainStartFractions: [0], taus: [2.5, 3], ltsAlphas: [null, 0.75], freeEpsilon: [false], minTrainPoints: 6, minValPoints: 3 };
  try {
    for await (const item of fitter.fitSweep(syntheticCurves(12), { grid, ltsStarts: 32, signal: controller.signal, onProgress: (p) => self.postMessage({ type: 'progress', ...p }) })) {
      const r = item.result;
      self.postMessage(r.status === 'failed' ? { type: 'item', id: item.id, status: r.status, message: r.message } : { type: 'item', id: item.id, status: r.status, cMid: r.params.cMid, r2Val: r.r2Val });
    }
    self.postMessage({ type: 'done' });
  } catch (e) {
    self.postMessage({ type: 'stopped', message: isTrimfitError(e) ? `${e.code}: ${e.message}` : String(e) });
  } finally {
    await fitter.dispose();
  }
};
