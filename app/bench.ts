/**
 * The benchmark page (/bench.html): runs the harness of `trimfit bench` in the browser and shows
 * and downloads the same JSON. Workers are module workers running the library's fit worker.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { adapterSlug, formatBenchTable, runBench, type BenchEnv, type BenchReport } from '../src/bench/harness.js';
import { checkKernelVariant, LTS_KERNEL_VARIANTS } from '../src/index.js';
import { embeddedCurves } from './data.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const log = $('log');
const table = $('table');
const download = $<HTMLButtonElement>('download');
const kernelVariant = $<HTMLSelectElement>('kernel-variant');
let report: BenchReport | null = null;

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

$('run').addEventListener('click', async () => {
  const button = $<HTMLButtonElement>('run');
  button.disabled = true;
  download.disabled = true;
  log.textContent = '';
  status.textContent = 'running…';
  try {
    const variant = kernelVariant.value || undefined;
    checkKernelVariant(variant, 'kernelVariant');
    report = await runBench(env(), {
      kernelVariant: variant,
      quick: $<HTMLInputElement>('quick').checked,
      backend: $<HTMLSelectElement>('backend').value as 'auto' | 'cpu' | 'webgpu',
      log: (line) => { log.textContent += line + '\n'; },
    });
    table.textContent = formatBenchTable(report);
    status.textContent = `done: ${report.cases.length} rows`;
    download.disabled = false;
  } catch (e) {
    status.textContent = `failed: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    button.disabled = false;
  }
});

download.addEventListener('click', () => {
  if (!report) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
  a.download = `${adapterSlug(report.adapter)}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
});
