/**
 * The benchmark page (/bench.html): runs the harness of `trimfit bench` in the browser and shows
 * and downloads the same JSON. Workers are module workers running the library's fit worker.
 * "Profile kernel layouts" times every layout of the candidate kernel on this GPU
 * (profileKernelVariants) and selects the fastest that agrees with f64 for the next benchmark run.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { adapterSlug, formatBenchTable, formatKernelProfileTable, kernelProfileFileName, kernelProfileSizes, runBench, type BenchEnv } from '../src/bench/harness.js';
import { checkKernelVariant, fastestVariant, LTS_KERNEL_VARIANTS, profileKernelVariants } from '../src/index.js';
import { embeddedCurves } from './data.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const log = $('log');
const table = $('table');
const download = $<HTMLButtonElement>('download');
const kernelVariant = $<HTMLSelectElement>('kernel-variant');
/** What the Download button saves: the last benchmark or kernel profile. */
let saved: { fileName: string; json: unknown } | null = null;

for (const name of Object.keys(LTS_KERNEL_VARIANTS)) kernelVariant.add(new Option(name, name));

function env(): BenchEnv {
  const nav = navigator as Navigator & { deviceMemory?: number };
  return {
    machine: { cpus: nav.hardwareConcurrency ?? 1, cpuModel: null, memoryBytes: nav.deviceMemory ? nav.deviceMemory * 2 ** 30 : null, node: null, platform: nav.userAgent },
    gpu: nav.gpu ?? null,
    workerPool: { createWorker: () => new Worker(new URL('../src/workers/fit.worker.ts', import.meta.url), { type: 'module' }) },
    retuCurves: embeddedCurves().flatMap((c) => (c.task.kind === 'retu' ? [c.task.curve] : [])),
    levenbergMarquardt,
    note: 'browser run',
  };
}

/** Runs one job with the buttons disabled; its result becomes what Download saves. */
async function runExclusive(job: () => Promise<{ table: string; status: string; fileName: string; json: unknown }>): Promise<void> {
  const buttons = [$<HTMLButtonElement>('run'), $<HTMLButtonElement>('profile')];
  for (const b of buttons) b.disabled = true;
  download.disabled = true;
  log.textContent = '';
  status.textContent = 'running…';
  try {
    const done = await job();
    table.textContent = done.table;
    status.textContent = done.status;
    saved = { fileName: done.fileName, json: done.json };
    download.disabled = false;
  } catch (e) {
    status.textContent = `failed: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

const appendLog = (line: string) => { log.textContent += line + '\n'; };

$('run').addEventListener('click', () => runExclusive(async () => {
  const variant = kernelVariant.value || undefined;
  checkKernelVariant(variant, 'kernelVariant');
  const report = await runBench(env(), {
    kernelVariant: variant,
    quick: $<HTMLInputElement>('quick').checked,
    backend: $<HTMLSelectElement>('backend').value as 'auto' | 'cpu' | 'webgpu',
    log: appendLog,
  });
  return { table: formatBenchTable(report), status: `done: ${report.cases.length} rows`, fileName: `${adapterSlug(report.adapter)}.json`, json: report };
}));

$('profile').addEventListener('click', () => runExclusive(async () => {
  const report = await profileKernelVariants({ ...kernelProfileSizes($<HTMLInputElement>('quick').checked), log: appendLog });
  const fastest = fastestVariant(report, 64);
  if (fastest) kernelVariant.value = fastest;
  const choice = fastest ? `fastest at n = 64: ${fastest} (selected for the benchmark)` : 'no layout ran cleanly at n = 64';
  return { table: formatKernelProfileTable(report), status: `profile done: ${report.rows.length} rows; ${choice}`, fileName: kernelProfileFileName(report), json: report };
}));

download.addEventListener('click', () => {
  if (!saved) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(saved.json, null, 2)], { type: 'application/json' }));
  a.download = saved.fileName;
  a.click();
  URL.revokeObjectURL(a.href);
});
