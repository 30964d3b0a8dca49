// The page: starts a sweep in a module worker, shows progress, and cancels it on request.
const start = document.getElementById('start');
const cancel = document.getElementById('cancel');
const progress = document.getElementById('progress');
const status = document.getElementById('status');
const results = document.getElementById('results');
let worker = null;

start.onclick = () => {
  results.textContent = '';
  worker = new Worker(new URL('./sweep.worker.js', import.meta.url), { type: 'module' });
  start.disabled = true;
  cancel.disabled = false;
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') {
      progress.max = data.curvesTotal;
      progress.value = data.curvesDone;
      status.textContent = `${data.fitsDone} fits, ${data.remainingMs === null ? '…' : Math.round(data.remainingMs / 1000) + ' s left'}`;
    } else if (data.type === 'item') {
      const li = document.createElement('li');
      li.textContent = data.status === 'failed' ? `${data.id}: failed (${data.message})` : `${data.id}: ${data.status}, cMid ${data.cMid.toPrecision(4)}, R² val ${data.r2Val?.toFixed(3)}`;
      results.append(li);
    } else {
      status.textContent = data.type === 'done' ? 'done' : `stopped: ${data.message}`;
      start.disabled = false;
      cancel.disabled = true;
      // The sweep is over: release the worker (and its fitter) rather than keep one per Start.
      worker.terminate();
      worker = null;
    }
  };
  worker.postMessage({ type: 'start' });
};

// Cancel asks the worker to abort: the sweep's iterator ends with TrimfitError 'aborted'.
cancel.onclick = () => worker?.postMessage({ type: 'cancel' });
