/**
 * The WebGPU (f32) CandidateBackend. A batch is split into groups of jobs sharing the compile-time
 * facts (nParams, pool tier), each group into chunks that respect the adapter's limits; per chunk:
 * upload, the candidate pass (one invocation per candidate), the select_best pass (one workgroup
 * per job), and a readback of only the keepBest records per job. Results are mapped back from the
 * conditioned frame in f64. Up to `chunksInFlight` chunks are under way at once, so the host packs
 * the next chunk and decodes the previous one while the GPU computes.
 */
import { TrimfitError } from '../../api/errors.js';
import { createModel } from '../../core/models/index.js';
import type { Model } from '../../core/models/model.js';
import type { CandidateBackend, JobResult, LtsBatch, LtsJob } from '../backend.js';
import { acquireGpuDevice, deviceLostError, type GpuDeviceHandle } from './device.js';
import { BUFFER_USAGE, BufferPool, MAP_MODE_READ } from './buffer-pool.js';
import { getPipeline } from './pipeline-cache.js';
import {
  LTS_MAX_PARAMS, LTS_PARAMS_BYTES, LTS_POOL_TIERS, LTS_JOB_BYTES,
  ltsCandidatesPipelineSpec, ltsParamsData, ltsPoolTier, packLtsChunk, sigmoidFromFrame,
} from './kernels/lts_candidates.js';
import {
  SELECT_PARAMS_BYTES, decodeSelectBest, selectBestParamsData, selectBestPipelineSpec, selectBestWordsPerJob,
} from './kernels/select_best.js';
import {
  LTS_KERNEL_VARIANTS, defaultVariantFor, effectiveVariant, isLtsKernelVariantName,
  type LtsKernelVariant, type LtsKernelVariantName,
} from './tuning.js';

export interface WebGpuBackendOptions {
  /** Run on this device (never destroyed by the backend). @default undefined — a new device on the high-performance adapter */
  device?: GPUDevice;
  /**
   * Upper bound on candidates per dispatch chunk, besides the adapter's limits (GPU memory: about
   * 20 bytes per candidate per chunk in flight). Also the grain of the host/GPU overlap.
   * @default 1048576
   */
  maxCandidatesPerChunk?: number;
  /** Layout of the candidate kernel, from LTS_KERNEL_VARIANTS in tuning.ts. @default defaultVariantFor(adapter): LTS_DEFAULT_VARIANT, or LTS_SOFTWARE_DEFAULT_VARIANT on a software adapter */
  variant?: LtsKernelVariantName;
  /** Chunks under way at once (1: no overlap of host packing/decoding with GPU work). @default 2 */
  chunksInFlight?: number;
}

const DEFAULT_MAX_CANDIDATES_PER_CHUNK = 1 << 20;
const DEFAULT_CHUNKS_IN_FLIGHT = 2;

interface PreparedJob {
  index: number;
  job: LtsJob;
  model: Model;
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/**
 * Models of a batch, shared by jobs with the same settings object and data range (a sweep's jobs
 * on one curve): a model is a pure function of both, and building one per job was a measurable
 * part of the host time at 64 candidates per job.
 */
function modelCache(name: LtsBatch['model']): (job: LtsJob) => Model {
  const bySettings = new Map<LtsJob['settings'], Map<string, Model>>();
  return (job) => {
    let byRange = bySettings.get(job.settings);
    if (!byRange) {
      byRange = new Map();
      bySettings.set(job.settings, byRange);
    }
    const key = `${job.xMin},${job.xMax},${job.xMinPositive}`;
    let model = byRange.get(key);
    if (!model) {
      model = createModel(name, job.settings, { xMin: job.xMin, xMax: job.xMax, xMinPositive: job.xMinPositive });
      byRange.set(key, model);
    }
    return model;
  };
}

/** What the kernel relies on; the api layer has validated the data itself. */
function prepareJobs(batch: LtsBatch): PreparedJob[] {
  if (batch.model !== 'sigmoid') throw new TrimfitError('invalid-option', 'model', "'sigmoid' (the models mirrored in WGSL)", batch.model);
  if (!isCount(batch.nCandidates, 1) || batch.nCandidates > 0xffffffff) throw new TrimfitError('invalid-option', 'nCandidates', 'an integer ≥ 1', batch.nCandidates);
  if (!isCount(batch.cSteps, 0)) throw new TrimfitError('invalid-option', 'cSteps', 'an integer ≥ 0', batch.cSteps);
  if (!isCount(batch.gnIterations, 0)) throw new TrimfitError('invalid-option', 'gnIterations', 'an integer ≥ 0', batch.gnIterations);
  if (!isCount(batch.keepBest, 1)) throw new TrimfitError('invalid-option', 'keepBest', 'an integer ≥ 1', batch.keepBest);
  const modelOf = modelCache(batch.model);
  return batch.jobs.map((job, index) => {
    const model = modelOf(job);
    const p = model.nParams;
    const m = job.pool.length;
    const maxPool = LTS_POOL_TIERS[LTS_POOL_TIERS.length - 1];
    if (m < p + 1 || m > maxPool) throw new TrimfitError('invalid-input', `jobs[${index}].pool`, `length in [${p + 1}, ${maxPool}]`, m);
    if (!isCount(job.h, p + 1) || job.h > m) throw new TrimfitError('invalid-input', `jobs[${index}].h`, `an integer in [${p + 1}, ${m}]`, job.h);
    if (job.theta0.length !== p) throw new TrimfitError('invalid-input', `jobs[${index}].theta0`, `length ${p}`, job.theta0);
    for (let k = 0; k < m; k++) {
      const i = job.pool[k];
      if (!(i >= 0 && i < job.x.length && i < job.y.length)) throw new TrimfitError('invalid-input', `jobs[${index}].pool[${k}]`, `an index in [0, ${Math.min(job.x.length, job.y.length)})`, i);
      if (!(job.x[i] >= 0 && Number.isFinite(job.x[i]))) throw new TrimfitError('invalid-input', `jobs[${index}].x[${i}]`, 'a finite x ≥ 0 (sigmoid)', job.x[i]);
      if (!Number.isFinite(job.y[i])) throw new TrimfitError('invalid-input', `jobs[${index}].y[${i}]`, 'a finite number', job.y[i]);
    }
    return { index, job, model };
  });
}

/** Where the time of the last evaluate() went (ms, summed over its chunks). */
export interface WebGpuEvaluationTimings {
  /** Host: job checks, models, packing, upload and dispatch encoding. */
  hostPackMs: number;
  /**
   * Submit → records mapped: upload transfer, both passes, readback. With chunksInFlight > 1
   * chunks overlap each other and host work, so only chunksInFlight = 1 gives the GPU's own time.
   */
  gpuMs: number;
  /** Host: decoding the records and mapping them out of the conditioned frame. */
  decodeMs: number;
  chunks: number;
}

export interface WebGpuCandidateBackend extends CandidateBackend {
  readonly timings: Readonly<WebGpuEvaluationTimings>;
}

class WebGpuBackend implements WebGpuCandidateBackend {
  readonly name = 'webgpu' as const;
  timings: WebGpuEvaluationTimings = { hostPackMs: 0, gpuMs: 0, decodeMs: 0, chunks: 0 };
  readonly description: string;
  private readonly pool: BufferPool;
  private readonly maxCandidatesPerChunk: number;
  private readonly chunksInFlight: number;
  private readonly variant: LtsKernelVariant;

  constructor(private readonly gpu: GpuDeviceHandle, options: WebGpuBackendOptions) {
    const variantName = options.variant ?? defaultVariantFor(gpu.description);
    this.description = `${gpu.description} (${variantName})`;
    this.pool = new BufferPool(gpu.device);
    this.maxCandidatesPerChunk = options.maxCandidatesPerChunk ?? DEFAULT_MAX_CANDIDATES_PER_CHUNK;
    this.chunksInFlight = options.chunksInFlight ?? DEFAULT_CHUNKS_IN_FLIGHT;
    this.variant = LTS_KERNEL_VARIANTS[variantName];
  }

  /** The variant for a pool tier on this device. */
  private variantFor(maxPool: number): LtsKernelVariant {
    return effectiveVariant(this.variant, maxPool, this.gpu.device.limits.maxComputeWorkgroupStorageSize);
  }

  /** Awaits p unless the device is lost first. */
  private async guard<T>(p: Promise<T>): Promise<T> {
    const lost = this.gpu.lostDetail();
    if (lost) throw deviceLostError(lost);
    return Promise.race([p, this.gpu.lost.then((detail) => { throw deviceLostError(detail); })]);
  }

  async evaluate(batch: LtsBatch, signal?: AbortSignal): Promise<JobResult[]> {
    const prepareStart = performance.now();
    this.timings = { hostPackMs: 0, gpuMs: 0, decodeMs: 0, chunks: 0 };
    const prepared = prepareJobs(batch);
    this.timings.hostPackMs += performance.now() - prepareStart;
    const results: JobResult[] = new Array(prepared.length);
    const groups = new Map<string, PreparedJob[]>();
    for (const pj of prepared) {
      const key = `${pj.model.nParams}|${ltsPoolTier(pj.job.pool.length)}`;
      const list = groups.get(key);
      if (list) list.push(pj);
      else groups.set(key, [pj]);
    }
    // ln x per curve, shared by the chunks of this batch (packLtsChunk).
    const lnCache = new Map<Float64Array, Float64Array>();
    // Oldest first; a chunk's promise settles after its results are placed and its buffers released.
    const running: Promise<void>[] = [];
    try {
      for (const group of groups.values()) {
        for (const chunk of this.chunks(group, batch.nCandidates)) {
          while (running.length >= this.chunksInFlight) await running.shift();
          if (signal?.aborted) throw new TrimfitError('aborted', 'signal', 'not aborted', 'aborted', 'signal: the evaluation was aborted');
          this.timings.chunks++;
          running.push(this.runChunk(batch, chunk, lnCache).then((chunkResults) => {
            chunk.forEach((pj, j) => { results[pj.index] = chunkResults[j]; });
          }));
        }
      }
      while (running.length > 0) await running.shift();
    } catch (e) {
      // Let the chunks still under way finish (and release their buffers) before reporting.
      await Promise.allSettled(running);
      throw e;
    }
    return results;
  }

  /** Consecutive slices of a group within the dispatch and storage-binding limits. */
  private *chunks(group: PreparedJob[], nCandidates: number): Generator<PreparedJob[]> {
    const limits = this.gpu.device.limits;
    const workgroupSize = this.variantFor(ltsPoolTier(group[0].job.pool.length)!).workgroupSize;
    const maxInvocations = limits.maxComputeWorkgroupsPerDimension * workgroupSize;
    const maxBinding = limits.maxStorageBufferBindingSize;
    const maxCandidates = Math.min(maxInvocations, this.maxCandidatesPerChunk, Math.floor(maxBinding / (4 * LTS_MAX_PARAMS)));
    if (nCandidates > maxCandidates) throw new TrimfitError('invalid-option', 'nCandidates', `at most ${maxCandidates} on this adapter`, nCandidates);
    const maxJobs = Math.min(Math.floor(maxCandidates / nCandidates), limits.maxComputeWorkgroupsPerDimension, Math.floor(maxBinding / LTS_JOB_BYTES));
    let start = 0;
    while (start < group.length) {
      let end = start;
      let pointBytes = 0;
      while (end < group.length && end - start < maxJobs && pointBytes + 8 * group[end].job.pool.length <= maxBinding) {
        pointBytes += 8 * group[end].job.pool.length;
        end++;
      }
      yield group.slice(start, end);
      start = end;
    }
  }

  private async runChunk(batch: LtsBatch, chunk: PreparedJob[], lnCache: Map<Float64Array, Float64Array>): Promise<JobResult[]> {
    const device = this.gpu.device;
    const nParams = chunk[0].model.nParams;
    const maxPool = ltsPoolTier(chunk[0].job.pool.length)!;
    const variant = this.variantFor(maxPool);
    const [candidatesPipeline, selectPipeline] = await this.guard(Promise.all([
      getPipeline(device, ltsCandidatesPipelineSpec('sigmoid', nParams, maxPool, variant)),
      getPipeline(device, selectBestPipelineSpec(nParams)),
    ]));
    const packStart = performance.now();
    const packed = packLtsChunk(chunk.map((pj) => pj.job), chunk.map((pj) => pj.model), lnCache);
    const jobCount = chunk.length;
    const nTotal = jobCount * batch.nCandidates;
    const bestBytes = 4 * jobCount * selectBestWordsPerJob(batch.keepBest, nParams);
    const { STORAGE, UNIFORM, COPY_DST, COPY_SRC, MAP_READ } = BUFFER_USAGE;

    const buffers = [
      this.pool.acquire('trimfit.lts_candidates.params', LTS_PARAMS_BYTES, UNIFORM | COPY_DST),
      this.pool.acquire('trimfit.lts_candidates.jobs', packed.jobs.byteLength, STORAGE | COPY_DST),
      this.pool.acquire('trimfit.lts_candidates.points', packed.points.byteLength, STORAGE | COPY_DST),
      this.pool.acquire('trimfit.lts_candidates.objectives', 4 * nTotal, STORAGE),
      this.pool.acquire('trimfit.lts_candidates.thetas', 4 * nParams * nTotal, STORAGE),
      this.pool.acquire('trimfit.select_best.params', SELECT_PARAMS_BYTES, UNIFORM | COPY_DST),
      this.pool.acquire('trimfit.select_best.best', bestBytes, STORAGE | COPY_SRC),
      this.pool.acquire('trimfit.select_best.readback', bestBytes, MAP_READ | COPY_DST),
    ];
    const [params, jobs, points, objectives, thetas, selectParams, best, readback] = buffers;
    try {
      device.pushErrorScope('validation');
      device.queue.writeBuffer(params, 0, ltsParamsData(jobCount, batch.nCandidates, batch.cSteps, batch.gnIterations));
      device.queue.writeBuffer(jobs, 0, packed.jobs);
      device.queue.writeBuffer(points, 0, packed.points);
      device.queue.writeBuffer(selectParams, 0, selectBestParamsData(jobCount, batch.nCandidates, batch.keepBest));
      const candidatesGroup = device.createBindGroup({
        label: 'trimfit.lts_candidates.bindgroup',
        layout: candidatesPipeline.getBindGroupLayout(0),
        entries: [params, jobs, points, objectives, thetas].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const selectGroup = device.createBindGroup({
        label: 'trimfit.select_best.bindgroup',
        layout: selectPipeline.getBindGroupLayout(0),
        entries: [selectParams, objectives, thetas, best].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const encoder = device.createCommandEncoder({ label: 'trimfit.lts_candidates.encoder' });
      const pass = encoder.beginComputePass({ label: 'trimfit.lts_candidates.pass' });
      pass.setPipeline(candidatesPipeline);
      pass.setBindGroup(0, candidatesGroup);
      pass.dispatchWorkgroups(Math.ceil(nTotal / variant.workgroupSize));
      pass.end();
      const selectPass = encoder.beginComputePass({ label: 'trimfit.select_best.pass' });
      selectPass.setPipeline(selectPipeline);
      selectPass.setBindGroup(0, selectGroup);
      selectPass.dispatchWorkgroups(jobCount);
      selectPass.end();
      encoder.copyBufferToBuffer(best, 0, readback, 0, bestBytes);
      device.queue.submit([encoder.finish()]);
      const submitted = performance.now();
      this.timings.hostPackMs += submitted - packStart;
      const validation = device.popErrorScope();
      const mapped = readback.mapAsync(MAP_MODE_READ, 0, bestBytes);
      // Observed below unless validation fails first; never left unhandled.
      mapped.catch(() => undefined);
      const error = await this.guard(validation);
      if (error) throw new TrimfitError('internal', 'trimfit.lts_candidates', 'valid GPU commands', 'validation error', `trimfit.lts_candidates: ${error.message}`);
      await this.guard(mapped);
      const decodeStart = performance.now();
      this.timings.gpuMs += decodeStart - submitted;
      const words = readback.getMappedRange(0, bestBytes).slice(0);
      readback.unmap();
      const u32 = new Uint32Array(words);
      const f32 = new Float32Array(words);
      const results = chunk.map((pj, j) => {
        const frame = packed.frames[j];
        return decodeSelectBest(u32, f32, j, batch.keepBest, nParams, frame.yScale * frame.yScale, (words32, at) => sigmoidFromFrame(words32, frame, nParams, at));
      });
      this.timings.decodeMs += performance.now() - decodeStart;
      return results;
    } finally {
      for (const buffer of buffers) this.pool.release(buffer);
    }
  }

  async dispose(): Promise<void> {
    this.pool.destroy();
    this.gpu.release();
  }
}

/**
 * A WebGPU candidate backend on the caller's device or a new one. Rejects with
 * TrimfitError('backend-unavailable') when no adapter is available; evaluate() rejects with
 * TrimfitError('device-lost') when the device is lost (the caller then falls back to the CPU).
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuCandidateBackend> {
  if (options.maxCandidatesPerChunk !== undefined && !isCount(options.maxCandidatesPerChunk, 1)) {
    throw new TrimfitError('invalid-option', 'maxCandidatesPerChunk', 'an integer ≥ 1', options.maxCandidatesPerChunk);
  }
  if (options.chunksInFlight !== undefined && !isCount(options.chunksInFlight, 1)) {
    throw new TrimfitError('invalid-option', 'chunksInFlight', 'an integer ≥ 1', options.chunksInFlight);
  }
  if (options.variant !== undefined && !isLtsKernelVariantName(options.variant)) {
    throw new TrimfitError('invalid-option', 'variant', `one of ${Object.keys(LTS_KERNEL_VARIANTS).join(', ')}`, options.variant);
  }
  const gpu = await acquireGpuDevice({ device: options.device });
  return new WebGpuBackend(gpu, options);
}
