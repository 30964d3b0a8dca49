/**
 * The WebGPU (f32) CandidateBackend. A batch is split into groups of jobs sharing the compile-time
 * facts (nParams, pool tier), each group into chunks that respect the adapter's limits; per chunk:
 * upload (each distinct curve, pool and (model, curve) bounds once, per job a 32-byte Job struct),
 * the gather_pool pass (pool points in pool order, one workgroup per distinct pool), the candidate
 * pass (one invocation per candidate), the select_best pass (one workgroup per job), and a
 * readback of only the keepBest records per job. Results are mapped back from the conditioned
 * frame in f64. Up to `chunksInFlight` chunks are under way at once, so the host packs the next
 * chunk and decodes the previous one while the GPU computes.
 */
import { TrimfitError } from '../../api/errors.js';
import { checkCount, resultFor, type BatchResult, type CandidateBackend, type LtsBatch } from '../backend.js';
import { acquireGpuDevice, deviceLostError, type GpuDeviceHandle } from './device.js';
import { BUFFER_USAGE, BufferPool, MAP_MODE_READ } from './buffer-pool.js';
import { getPipeline } from './pipeline-cache.js';
import { gatherPoolPipelineSpec } from './kernels/gather_pool.js';
import {
  LTS_MAX_PARAMS, LTS_PARAMS_BYTES, LTS_JOB_BYTES, LTS_BOUNDS_BYTES,
  ltsCandidatesPipelineSpec, ltsParamsData, ltsPoolTier, packLtsJobs, sigmoidFrameMaps,
} from './kernels/lts_candidates.js';
import { prepareLtsBatch, type PreparedBatch } from './prepare.js';
import { HostScratch } from './host-scratch.js';
import {
  SELECT_PARAMS_BYTES, decodeSelectBest, selectBestParamsData, selectBestPipelineSpec, selectBestWordsPerJob,
} from './kernels/select_best.js';
import {
  LTS_KERNEL_VARIANTS, checkKernelVariant, defaultVariantFor,
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
  /**
   * Chunks under way at once (1: no overlap of host packing/decoding with GPU work). 3 was at
   * least as fast as 2 in each of three pipeline sweeps on an H100 (10^7 candidates at n = 64:
   * 65 vs 78, 100 vs 101 and 73 vs 94 ms, bench/results/h100-2026-11-27), for 20 MB more GPU
   * memory at the default chunk size.
   * @default 3
   */
  chunksInFlight?: number;
  /**
   * Time each pass on the GPU's clock with timestamp queries (timings.passMs): one query set
   * per chunk and 16 bytes of readback per pass. Needs the device's 'timestamp-query' feature (a device
   * trimfit creates asks for it where the adapter has it); without it timings.passMs stays undefined.
   * @default false
   */
  passTimings?: boolean;
  /**
   * Runs of the candidate pass per chunk (it rewrites the same results each time), for timing:
   * a GPU whose clock follows its load (an H100 idles at 345 MHz and boosts to 1980) needs a few
   * hundred milliseconds of sustained work to reach its top clock, which one pass of a few
   * milliseconds between host packing does not give. With passTimings, timings.passMs.candidates
   * counts the fastest run of each chunk; gpuMs then includes every run.
   * @default 1
   */
  candidatePassRepeats?: number;
}

const DEFAULT_MAX_CANDIDATES_PER_CHUNK = 1 << 20;
const DEFAULT_CHUNKS_IN_FLIGHT = 3;

/** Where the time of the last evaluate() went (ms, summed over its chunks). */
export interface WebGpuEvaluationTimings {
  /** Host: job checks, models, packing, upload and dispatch encoding: prepareMs + packMs + uploadMs, set when the call ends. */
  hostPackMs: number;
  /** Part of hostPackMs, once per call: checking the jobs, the packing tables, and allocating the results (unless evaluate() was given `into`). */
  prepareMs: number;
  /** Part of hostPackMs: packing each chunk's Job structs, distinct pools and curves. */
  packMs: number;
  /** Part of hostPackMs: buffers, queue writes, bind groups, command encoding and submit. */
  uploadMs: number;
  /**
   * Submit → records mapped: upload transfer, both passes, readback. With chunksInFlight > 1
   * chunks overlap each other and host work, so only chunksInFlight = 1 gives the GPU's own time.
   */
  gpuMs: number;
  /** Host: decoding the records and mapping them out of the conditioned frame. */
  decodeMs: number;
  chunks: number;
  /**
   * GPU clock, begin to end of each pass, summed over the chunks (passTimings on a device with
   * timestamp queries): no upload, readback or host synchronisation, which gpuMs includes.
   */
  passMs?: WebGpuPassTimings;
}

const emptyTimings = (): WebGpuEvaluationTimings => ({ hostPackMs: 0, prepareMs: 0, packMs: 0, uploadMs: 0, gpuMs: 0, decodeMs: 0, chunks: 0 });

export interface WebGpuPassTimings {
  gatherPool: number;
  candidates: number;
  selectBest: number;
}

/** Timestamp queries per chunk: begin and end of gather_pool, of each candidate pass run, and of select_best. */
const timestampCount = (candidateRuns: number): number => 2 * (candidateRuns + 2);

/**
 * One chunk's pass durations in ms from its timestamps (ns; begin/end of gather_pool, of each of
 * the candidateRuns candidate pass runs, of select_best): the fastest candidate run counts. An
 * implementation may reorder or clamp timestamps, so a negative span counts as 0.
 */
export function chunkPassMs(stamps: BigUint64Array, candidateRuns: number): WebGpuPassTimings {
  const spanMs = (pair: number): number => (stamps[2 * pair + 1] > stamps[2 * pair] ? Number(stamps[2 * pair + 1] - stamps[2 * pair]) / 1e6 : 0);
  return {
    gatherPool: spanMs(0),
    candidates: Math.min(...Array.from({ length: candidateRuns }, (_, r) => spanMs(1 + r))),
    selectBest: spanMs(candidateRuns + 1),
  };
}

export interface WebGpuCandidateBackend extends CandidateBackend {
  readonly timings: Readonly<WebGpuEvaluationTimings>;
}

class WebGpuBackend implements WebGpuCandidateBackend {
  readonly name = 'webgpu' as const;
  timings: WebGpuEvaluationTimings = emptyTimings();
  readonly description: string;
  private readonly pool: BufferPool;
  /** Host memory for packing, reused by every chunk: a chunk is packed and uploaded with no await in between. */
  private readonly packScratch = new HostScratch();
  /** Host memory for a call's prepared tables, held by one call at a time (calls may overlap). */
  private prepareScratch: HostScratch | undefined = new HostScratch();
  private readonly maxCandidatesPerChunk: number;
  private readonly chunksInFlight: number;
  private readonly variant: LtsKernelVariant;
  private readonly passTimings: boolean;
  private readonly candidatePassRepeats: number;

  constructor(private readonly gpu: GpuDeviceHandle, options: WebGpuBackendOptions) {
    const variantName = options.variant ?? defaultVariantFor(gpu.description);
    this.description = `${gpu.description} (${variantName})`;
    this.pool = new BufferPool(gpu.device);
    this.maxCandidatesPerChunk = options.maxCandidatesPerChunk ?? DEFAULT_MAX_CANDIDATES_PER_CHUNK;
    this.chunksInFlight = options.chunksInFlight ?? DEFAULT_CHUNKS_IN_FLIGHT;
    this.variant = LTS_KERNEL_VARIANTS[variantName];
    this.passTimings = options.passTimings === true && gpu.device.features.has('timestamp-query');
    this.candidatePassRepeats = options.candidatePassRepeats ?? 1;
  }

  /** Awaits p unless the device is lost first. */
  private async guard<T>(p: Promise<T>): Promise<T> {
    const lost = this.gpu.lostDetail();
    if (lost) throw deviceLostError(lost);
    return Promise.race([p, this.gpu.lost.then((detail) => { throw deviceLostError(detail); })]);
  }

  async evaluate(batch: LtsBatch, signal?: AbortSignal, into?: BatchResult): Promise<BatchResult> {
    const prepareStart = performance.now();
    this.timings = emptyTimings();
    // A call that overlaps another prepares into new memory.
    const scratch = this.prepareScratch;
    this.prepareScratch = undefined;
    try {
      return await this.evaluatePrepared(batch, prepareLtsBatch(batch, scratch), prepareStart, signal, into);
    } finally {
      if (scratch) this.prepareScratch = scratch;
    }
  }

  private async evaluatePrepared(batch: LtsBatch, prepared: PreparedBatch, prepareStart: number, signal?: AbortSignal, into?: BatchResult): Promise<BatchResult> {
    const results = resultFor(prepared.jobCount, batch.keepBest, prepared.models.reduce((p, m) => Math.max(p, m.nParams), 0), into);
    this.timings.prepareMs = performance.now() - prepareStart;
    // Oldest first; a chunk's promise settles after its results are written and its buffers released.
    const running: Promise<void>[] = [];
    try {
      for (const group of prepared.groups) {
        for (const chunk of this.chunks(batch, prepared, group)) {
          while (running.length >= this.chunksInFlight) await running.shift();
          if (signal?.aborted) throw new TrimfitError('aborted', 'signal', 'not aborted', 'aborted', 'signal: the evaluation was aborted');
          this.timings.chunks++;
          running.push(this.runChunk(batch, prepared, chunk, results));
        }
      }
      while (running.length > 0) await running.shift();
    } catch (e) {
      // Let the chunks still under way finish (and release their buffers) before reporting.
      await Promise.allSettled(running);
      throw e;
    } finally {
      const t = this.timings;
      t.hostPackMs = t.prepareMs + t.packMs + t.uploadMs;
    }
    return results;
  }

  /** Consecutive slices of a group (batch indices) within the dispatch and storage-binding limits. */
  private *chunks(batch: LtsBatch, prepared: PreparedBatch, group: Int32Array): Generator<Int32Array> {
    const limits = this.gpu.device.limits;
    const nCandidates = batch.nCandidates;
    const workgroupSize = this.variant.workgroupSize;
    const maxInvocations = limits.maxComputeWorkgroupsPerDimension * workgroupSize;
    const maxBinding = limits.maxStorageBufferBindingSize;
    const maxCandidates = Math.min(maxInvocations, this.maxCandidatesPerChunk, Math.floor(maxBinding / (4 * LTS_MAX_PARAMS)));
    if (nCandidates > maxCandidates) throw new TrimfitError('invalid-option', 'nCandidates', `at most ${maxCandidates} on this adapter`, nCandidates);
    const maxJobs = Math.min(Math.floor(maxCandidates / nCandidates), limits.maxComputeWorkgroupsPerDimension, Math.floor(maxBinding / Math.max(LTS_JOB_BYTES, LTS_BOUNDS_BYTES)));
    // Chunk number + 1 in which a curve was last counted (its points are uploaded once per chunk).
    const curveSeen = new Int32Array(prepared.curves.length);
    let chunkNumber = 0;
    let start = 0;
    while (start < group.length) {
      chunkNumber++;
      let end = start;
      let pointBytes = 0;
      let curveBytes = 0;
      while (end < group.length && end - start < maxJobs) {
        const b = group[end];
        const c = prepared.curveOf[b];
        const addCurve = curveSeen[c] === chunkNumber ? 0 : prepared.curves[c].points.byteLength;
        const addPoints = 8 * prepared.pools[prepared.poolOf[b]].length;
        // A first job always fits: a pool ≤ 1024 points and a curve ≤ MAX_CURVE_POINTS are far below any binding limit.
        if (end > start && (pointBytes + addPoints > maxBinding || curveBytes + addCurve > maxBinding)) break;
        pointBytes += addPoints;
        curveBytes += addCurve;
        curveSeen[c] = chunkNumber;
        end++;
      }
      yield group.subarray(start, end);
      start = end;
    }
  }

  /** Runs one chunk and writes its jobs' results into `out`. */
  private async runChunk(batch: LtsBatch, prepared: PreparedBatch, chunk: Int32Array, out: BatchResult): Promise<void> {
    const device = this.gpu.device;
    const nParams = prepared.models[prepared.modelOf[chunk[0]]].nParams;
    const maxPool = ltsPoolTier(prepared.pools[prepared.poolOf[chunk[0]]].length)!;
    const variant = this.variant;
    const [gatherPipeline, candidatesPipeline, selectPipeline] = await this.guard(Promise.all([
      getPipeline(device, gatherPoolPipelineSpec()),
      getPipeline(device, ltsCandidatesPipelineSpec('sigmoid', nParams, maxPool, variant)),
      getPipeline(device, selectBestPipelineSpec(nParams)),
    ]));
    const packStart = performance.now();
    // From here to the uploads below nothing awaits, so no other chunk can reuse packScratch meanwhile.
    const packed = packLtsJobs(prepared, chunk, this.packScratch);
    const uploadStart = performance.now();
    this.timings.packMs += uploadStart - packStart;
    const jobCount = chunk.length;
    const nTotal = jobCount * batch.nCandidates;
    const bestBytes = 4 * jobCount * selectBestWordsPerJob(batch.keepBest, nParams);
    const { STORAGE, UNIFORM, COPY_DST, COPY_SRC, MAP_READ } = BUFFER_USAGE;

    const stampCount = timestampCount(this.candidatePassRepeats);
    const stampBytes = 8 * stampCount;
    const querySet = this.passTimings
      ? device.createQuerySet({ label: 'trimfit.lts_candidates.timestamps', type: 'timestamp', count: stampCount })
      : undefined;
    const timestampBuffers = querySet ? [
      this.pool.acquire('trimfit.lts_candidates.timestamps.resolve', stampBytes, BUFFER_USAGE.QUERY_RESOLVE | BUFFER_USAGE.COPY_SRC),
      this.pool.acquire('trimfit.lts_candidates.timestamps.readback', stampBytes, BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST),
    ] : [];
    const buffers = [
      this.pool.acquire('trimfit.lts_candidates.params', LTS_PARAMS_BYTES, UNIFORM | COPY_DST),
      this.pool.acquire('trimfit.lts_candidates.jobs', packed.jobs.byteLength, STORAGE | COPY_DST),
      this.pool.acquire('trimfit.lts_candidates.points', 2 * packed.poolIndex.byteLength, STORAGE),
      this.pool.acquire('trimfit.lts_candidates.objectives', 4 * nTotal, STORAGE),
      this.pool.acquire('trimfit.lts_candidates.thetas', 4 * nParams * nTotal, STORAGE),
      this.pool.acquire('trimfit.select_best.params', SELECT_PARAMS_BYTES, UNIFORM | COPY_DST),
      this.pool.acquire('trimfit.select_best.best', bestBytes, STORAGE | COPY_SRC),
      this.pool.acquire('trimfit.select_best.readback', bestBytes, MAP_READ | COPY_DST),
      this.pool.acquire('trimfit.gather_pool.pool_index', packed.poolIndex.byteLength, STORAGE | COPY_DST),
      this.pool.acquire('trimfit.gather_pool.curve_points', packed.curvePoints.byteLength, STORAGE | COPY_DST),
      this.pool.acquire('trimfit.gather_pool.gathers', packed.gathers.byteLength, STORAGE | COPY_DST),
      this.pool.acquire('trimfit.lts_candidates.bounds', packed.bounds.byteLength, STORAGE | COPY_DST),
    ];
    const [params, jobs, points, objectives, thetas, selectParams, best, readback, poolIndex, curvePoints, gathers, bounds] = buffers;
    buffers.push(...timestampBuffers);
    try {
      device.pushErrorScope('validation');
      device.queue.writeBuffer(params, 0, ltsParamsData(jobCount, batch.nCandidates, batch.cSteps, batch.gnIterations));
      device.queue.writeBuffer(jobs, 0, packed.jobs);
      device.queue.writeBuffer(poolIndex, 0, packed.poolIndex);
      device.queue.writeBuffer(curvePoints, 0, packed.curvePoints);
      device.queue.writeBuffer(gathers, 0, packed.gathers);
      device.queue.writeBuffer(bounds, 0, packed.bounds);
      device.queue.writeBuffer(selectParams, 0, selectBestParamsData(jobCount, batch.nCandidates, batch.keepBest));
      const bindGroup = (label: string, pipeline: GPUComputePipeline, entries: GPUBuffer[]): GPUBindGroup => device.createBindGroup({
        label: `${label}.bindgroup`,
        layout: pipeline.getBindGroupLayout(0),
        entries: entries.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const encoder = device.createCommandEncoder({ label: 'trimfit.lts_candidates.encoder' });
      const candidatePass: [string, GPUComputePipeline, GPUBuffer[], number] = ['trimfit.lts_candidates', candidatesPipeline, [params, jobs, points, objectives, thetas, bounds], Math.ceil(nTotal / variant.workgroupSize)];
      const passes: Array<[string, GPUComputePipeline, GPUBuffer[], number]> = [
        ['trimfit.gather_pool', gatherPipeline, [gathers, poolIndex, curvePoints, points], packed.gathers.length / 4],
        ...Array.from({ length: this.candidatePassRepeats }, () => candidatePass),
        ['trimfit.select_best', selectPipeline, [selectParams, objectives, thetas, best], jobCount],
      ];
      passes.forEach(([label, pipeline, entries, workgroups], i) => {
        const timestampWrites = querySet ? { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } : undefined;
        const pass = encoder.beginComputePass({ label: `${label}.pass`, timestampWrites });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup(label, pipeline, entries));
        pass.dispatchWorkgroups(workgroups);
        pass.end();
      });
      encoder.copyBufferToBuffer(best, 0, readback, 0, bestBytes);
      if (querySet) {
        encoder.resolveQuerySet(querySet, 0, stampCount, timestampBuffers[0], 0);
        encoder.copyBufferToBuffer(timestampBuffers[0], 0, timestampBuffers[1], 0, stampBytes);
      }
      device.queue.submit([encoder.finish()]);
      const submitted = performance.now();
      this.timings.uploadMs += submitted - uploadStart;
      const validation = device.popErrorScope();
      const mapped = Promise.all([
        readback.mapAsync(MAP_MODE_READ, 0, bestBytes),
        ...(querySet ? [timestampBuffers[1].mapAsync(MAP_MODE_READ, 0, stampBytes)] : []),
      ]);
      // Observed below unless validation fails first; never left unhandled.
      mapped.catch(() => undefined);
      const error = await this.guard(validation);
      if (error) throw new TrimfitError('internal', 'trimfit.lts_candidates', 'valid GPU commands', 'validation error', `trimfit.lts_candidates: ${error.message}`);
      await this.guard(mapped);
      const decodeStart = performance.now();
      this.timings.gpuMs += decodeStart - submitted;
      if (querySet) {
        this.addPassTimes(new BigUint64Array(timestampBuffers[1].getMappedRange(0, stampBytes)));
        timestampBuffers[1].unmap();
      }
      const frameMaps = sigmoidFrameMaps(packed.frames, nParams);
      // Decoded straight from the mapped range: the records are read once, so no copy is made.
      try {
        decodeSelectBest(readback.getMappedRange(0, bestBytes), chunk, nParams, frameMaps.objectiveScale, frameMaps.theta, out);
      } finally {
        readback.unmap();
      }
      this.timings.decodeMs += performance.now() - decodeStart;
    } finally {
      for (const buffer of buffers) this.pool.release(buffer);
      querySet?.destroy();
    }
  }

  /** Adds one chunk's pass durations (chunkPassMs) to timings.passMs. */
  private addPassTimes(stamps: BigUint64Array): void {
    const chunk = chunkPassMs(stamps, this.candidatePassRepeats);
    const passMs = this.timings.passMs ?? { gatherPool: 0, candidates: 0, selectBest: 0 };
    passMs.gatherPool += chunk.gatherPool;
    passMs.candidates += chunk.candidates;
    passMs.selectBest += chunk.selectBest;
    this.timings.passMs = passMs;
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
  if (options.maxCandidatesPerChunk !== undefined) checkCount(options.maxCandidatesPerChunk, 1, 'maxCandidatesPerChunk');
  if (options.chunksInFlight !== undefined) checkCount(options.chunksInFlight, 1, 'chunksInFlight');
  if (options.candidatePassRepeats !== undefined) checkCount(options.candidatePassRepeats, 1, 'candidatePassRepeats');
  checkKernelVariant(options.variant, 'variant');
  const gpu = await acquireGpuDevice({ device: options.device });
  return new WebGpuBackend(gpu, options);
}
