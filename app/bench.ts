/**
 * The benchmark page (/bench.html): runs the harness of `trimfit bench` in the browser and shows
 * its table as HTML (the Markdown stays available to copy, and the JSON to download). Workers are
 * module workers running the library's fit worker. "Profile kernel layouts" times every layout of
 * the candidate kernel on this GPU (profileKernelVariants) and selects the fastest that agrees with
 * f64 for the next benchmark run.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { adapterSlug, formatBenchTable, formatKernelProfileTable, kernelProfileFileName, kernelProfileSizes, runBench, type BenchEnv, type BenchReport, type BenchSkip } from '../src/bench/harness.js';
import { checkKernelVariant, fastestVariant, LTS_KERNEL_VARIANTS, profileKernelVariants } from '../src/index.js';
import { embeddedCurves } from './data.js';
import { escapeHtml } from './html.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const log = $('log');
const markdown = $('table');
const results = $('results');
const download = $<HTMLButtonElement>('download');
const copyMd = $<HTMLButtonElement>('copy-md');
const kernelVariant = $<HTMLSelectElement>('kernel-variant');
/** What the Download and Copy buttons save: the last benchmark or kernel profile. */
let saved: { fileName: string; json: unknown; markdown: string } | null = null;

for (const name of Object.keys(LTS_KERNEL_VARIANTS)) kernelVariant.add(new Option(name, name));

function env(): BenchEnv {
  const nav = navigator as Navigator & { deviceMemory?: number };
  const retu = embeddedCurves().flatMap((c) => (c.task.kind === 'retu' ? [c.task.curve] : []));
  return {
    machine: { cpus: nav.hardwareConcurrency ?? 1, cpuModel: null, memoryBytes: nav.deviceMemory ? nav.deviceMemory * 2 ** 30 : null, node: null, platform: nav.userAgent },
    gpu: nav.gpu ?? null,
    workerPool: { createWorker: () => new Worker(new URL('../src/workers/fit.worker.ts', import.meta.url), { type: 'module' }) },
    // A build without the RETU data has no paper curves: the harness then lists the case as not run.
    retuCurves: retu.length > 0 ? retu : null,
    levenbergMarquardt,
    note: 'browser run',
  };
}

/** The browser's name and version from its user agent (the full string is in the JSON). */
function browserName(ua: string): string {
  return /(HeadlessChrome|Edg|Chrome|Firefox|Version(?=\/[\d.]+ Safari))\/([\d.]+)/.exec(ua)?.slice(1, 3).join(' ').replace(/^Version/, 'Safari') ?? 'browser';
}

/**
 * What the page knows of this machine: a browser gives no CPU model, only its logical core count
 * (navigator.hardwareConcurrency), and the WebGPU adapter's name.
 */
function machineLine(report: { adapter: BenchReport['adapter'] } | null, device?: string | null): string {
  const cores = navigator.hardwareConcurrency;
  const adapter = report?.adapter ? [report.adapter.vendor, report.adapter.architecture, report.adapter.device].filter(Boolean).join(' ') : device ?? null;
  // A report without an adapter ran on the CPU only (the cpu backend, or no adapter at all).
  const none = !navigator.gpu ? 'no WebGPU in this browser' : report ? 'none used in this run' : 'none';
  return `machine: ${browserName(navigator.userAgent)}, ${cores ? `${cores} logical core${cores === 1 ? '' : 's'}` : 'logical cores unknown'}; WebGPU adapter: ${adapter || none}`;
}

/** Baselines that run external programs (Rscript, python3): the Node benchmark runs them, a page cannot. */
const NODE_ONLY_BACKENDS = new Set(['R robustbase', 'scipy']);
const isNodeOnly = (s: BenchSkip): boolean => NODE_ONLY_BACKENDS.has(s.backend);

/** Ratio column headers ("workers/single"), not units such as "curves/s". */
const RATIO_HEADER = /^(workers|webgpu|single(-thread)?)\/(workers|webgpu|single(-thread)?)$/;
const RATIO_HELP = 'Throughput ratio A/B: the throughput of backend A divided by that of backend B on the same case and size (candidate fits per second where both rows count them, else curves per second); above 1 means A is faster.';

/** The benchmark as Markdown: the harness's table, with the page's machine line and the Node-only baselines listed apart. */
function benchMarkdown(report: BenchReport): string {
  const nodeOnly = report.skipped.filter(isNodeOnly);
  const md = formatBenchTable({ ...report, skipped: report.skipped.filter((s) => !isNodeOnly(s)) }).replace(/^machine: .*$/m, machineLine(report));
  return nodeOnly.length === 0 ? md : `${md}\n\nNode only (external programs a page cannot start; run "npm run bench" in Node):\n${nodeOnly.map((s) => `- ${s.what} [${s.backend}]`).join('\n')}`;
}

const cellHtml = (text: string, header: boolean, right: boolean): string => {
  const tag = header ? 'th' : 'td';
  const title = header && RATIO_HEADER.test(text) ? ` title="${escapeHtml(RATIO_HELP)}"` : '';
  return `<${tag}${title}${right ? ' class="num"' : ''}${header ? ' scope="col"' : ''}>${escapeHtml(text)}</${tag}>`;
};

/**
 * Markdown as the harness writes it (a pipe table, "- " lists, plain lines) as HTML: the table
 * keeps the Markdown's column alignment, ratio headers explain themselves.
 */
function markdownHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('|')) {
      const rowsMd: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) rowsMd.push(lines[i++]);
      i--;
      const split = (row: string) => row.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      const [head, align, ...body] = rowsMd.map(split);
      const right = (align ?? []).map((a) => a.endsWith(':'));
      out.push(`<div class="table-wrap"><table data-testid="results-table"><thead><tr>${head.map((h, k) => cellHtml(h, true, right[k])).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c, k) => cellHtml(c, false, right[k])).join('')}</tr>`).join('')}</tbody></table></div>`);
      if (head.some((h) => RATIO_HEADER.test(h))) out.push(`<p class="hint">Ratio columns (workers/single, webgpu/workers, webgpu/single): ${escapeHtml(RATIO_HELP.replace(/^Throughput ratio A\/B: /, ''))}</p>`);
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && lines[i].startsWith('- ')) items.push(lines[i++].slice(2));
      i--;
      out.push(`<ul>${items.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>`);
    } else if (line.trim() !== '' && !line.startsWith('machine: ') && !line.startsWith('device: ')) {
      out.push(`<p>${escapeHtml(line)}</p>`);
    }
  }
  return out.join('\n');
}

/** Runs one job with the buttons disabled; its result becomes what Download and Copy save. */
async function runExclusive(job: () => Promise<{ markdown: string; machine: string; status: string; fileName: string; json: unknown }>): Promise<void> {
  const buttons = [$<HTMLButtonElement>('run'), $<HTMLButtonElement>('profile')];
  for (const b of buttons) b.disabled = true;
  download.disabled = copyMd.disabled = true;
  log.textContent = '';
  status.textContent = 'running…';
  try {
    const done = await job();
    markdown.textContent = done.markdown;
    results.innerHTML = markdownHtml(done.markdown);
    $('machine').textContent = done.machine;
    status.textContent = done.status;
    saved = { fileName: done.fileName, json: done.json, markdown: done.markdown };
    download.disabled = copyMd.disabled = false;
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
  return { markdown: benchMarkdown(report), machine: machineLine(report), status: `done: ${report.cases.length} rows`, fileName: `${adapterSlug(report.adapter)}.json`, json: report };
}));

$('profile').addEventListener('click', () => runExclusive(async () => {
  const report = await profileKernelVariants({ ...kernelProfileSizes($<HTMLInputElement>('quick').checked), log: appendLog });
  const fastest = fastestVariant(report, 64);
  if (fastest) kernelVariant.value = fastest;
  const choice = fastest ? `fastest at n = 64: ${fastest} (selected for the benchmark)` : 'no layout ran cleanly at n = 64';
  const md = formatKernelProfileTable(report);
  return { markdown: md, machine: `${machineLine(null, report.device)}; default layout: ${report.defaultVariant ?? '?'}`, status: `profile done: ${report.rows.length} rows; ${choice}`, fileName: kernelProfileFileName(report), json: report };
}));

download.addEventListener('click', () => {
  if (!saved) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(saved.json, null, 2)], { type: 'application/json' }));
  a.download = saved.fileName;
  a.click();
  URL.revokeObjectURL(a.href);
});

copyMd.addEventListener('click', async () => {
  if (!saved) return;
  try {
    await navigator.clipboard.writeText(saved.markdown);
    status.textContent = 'Markdown copied to the clipboard.';
  } catch (e) {
    // Without clipboard access (permissions, an insecure origin) the text is still under "Markdown".
    status.textContent = `could not copy (${e instanceof Error ? e.message : String(e)}); open "Markdown" below and copy it from there`;
  }
});

// Before any run: the adapter the browser offers, named as the runs will name it.
void (async () => {
  $('machine').textContent = machineLine(null, null);
  const info = navigator.gpu ? (await navigator.gpu.requestAdapter().catch(() => null))?.info : undefined;
  if (info) $('machine').textContent = machineLine({ adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } });
})();
