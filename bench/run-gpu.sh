#!/usr/bin/env bash
# The one prepared benchmark run for the real-GPU machine (no Node, no vitest, no internet there).
#
# Prepare on a development machine, from the repository root:
#   npm run build && npx vite build --config bench/vite.config.ts   # dist/: bench.js, conformance.js, fit.worker.js
#   ../shared/tools/gpu-bundle.sh                                    # .gpu-bundle/: Node 20, webgpu (Dawn), GL/Vulkan loaders
#   cp -r ../shared/data/retu .gpu-bundle/retu                       # the RETU curves of the paper search
# Run on the GPU machine from the repository root, carrying .gpu-bundle, dist and the runtime
# dependencies that dist/ imports (node_modules/comlink for the worker pool, node_modules/d3-dsv
# for the file reader; the pre-flight below names any that is missing):
#   bash bench/run-gpu.sh
# It runs the conformance spec (CPU f64 and WebGPU against ltsCandidate), the kernel profile
# (dist/gpu-perf.js: every kernel variant at n = 16, 64, 256 with the host/GPU/decode split, see
# docs/performance.md), the throughput benchmark, with the variant fastest at n = 64, on
# webgpu, workers and single-thread in one run, and the pipeline sweep (`--pipelines`: case (a)'s
# 10^7 candidates with each chunking, about 20 s), writing conformance.log, gpu-perf.log,
# gpu-perf.json, bench.log, <adapter-slug>.json, pipelines.log and pipeline-<adapter-slug>.json
# under $OUT (and the benchmark JSON under bench/results/). The benchmark is the full (non-quick)
# run, which includes case (b), the paper search (`ceiling --search full` over the RETU branches)
# on webgpu, workers and single-thread; its per-row budget keeps the benchmark at about 150 s on
# the 16-core GPU machine (conformance at most 100 s, the kernel profile at most 200 s, the
# benchmark at most 230 s, the pipeline sweep at most 60 s: the guards sum to 590 s, and the
# earlier runs took well under them).
#
# Dry run on a machine without a GPU (SwiftShader with the local Node and node_modules; much
# slower, so the benchmark runs --quick and the budgets are cut):
#   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json bash bench/run-gpu.sh --dry-run
# The mode is only ever chosen by this argument: .gpu-bundle/setup.sh itself exports
# VK_ICD_FILENAMES, so that variable says nothing about which machine this is.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/results/run-gpu}
mkdir -p "$out" bench/results

dry=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry=1 ;;
    *) echo "unknown argument $arg (only --dry-run)"; exit 2 ;;
  esac
done
if [ "$dry" = 1 ]; then
  echo "dry run: VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-unset}, node $(node --version)"
elif [ "$(command -v node)" != /tmp/gpu-node/node ]; then
  # Not yet set up in this shell (the device command may have sourced it already).
  # shellcheck disable=SC1091
  source .gpu-bundle/setup.sh || { echo "cannot set up .gpu-bundle (see the header of this script)"; exit 2; }
fi
for f in dist/bench.js dist/conformance.js dist/fit.worker.js dist/gpu-perf.js; do
  [ -f "$f" ] || { echo "missing $f: build first (see the header of this script)"; exit 2; }
done
# Pre-flight: load the public entries now, so that a runtime package left behind fails here in
# seconds with its name, not after the profile has spent its minutes.
node --input-type=module -e "await import('./dist/index.js'); await import('./dist/node.js');" 2>&1 | grep -v XDG_RUNTIME_DIR
[ "${PIPESTATUS[0]}" = 0 ] || { echo "dist/ cannot load its imports: carry the node_modules packages named above"; exit 2; }

# Software adapters are ~10^4 times slower: a dry run checks that everything runs, not speed.
# On the GPU machine: --backend webgpu (a missing adapter is an error, not a CPU-only report);
# 4 s per row (cold run + up to 2 warm runs) puts the five cases at about 150 s; the timeout is
# only a guard, since a killed run writes no report.
if [ "$dry" = 1 ]; then
  conf_limit=400; bench_args=(--quick); bench_limit=200
  perf_env=(TRIMFIT_PERF_SMALL=1 TRIMFIT_PERF_N=16,64); perf_limit=200
  pipe_args=(--quick); pipe_limit=120
else
  conf_limit=100; bench_args=(--backend webgpu --budget-ms 4000 --repeats 2); bench_limit=230
  perf_env=(TRIMFIT_PERF_BUDGET_S=140); perf_limit=200
  pipe_args=(); pipe_limit=60
fi

status=0
echo "== conformance (limit ${conf_limit}s)"
timeout "$conf_limit" node dist/conformance.js 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/conformance.log"
rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "conformance failed (exit $rc)"; status=1; }

echo "== kernel profile (limit ${perf_limit}s)"
# gpu-perf.js writes gpu-perf.json to $OUT (or the working directory) after every row.
OUT="$out" timeout "$perf_limit" env "${perf_env[@]}" node dist/gpu-perf.js 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/gpu-perf.log"
rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "kernel profile failed (exit $rc)"; status=1; }

# The benchmark runs the kernel layout the profile just measured fastest at n = 64 (GPU time, rows
# that agreed with f64), so the targets are measured on it; the report's kernelVariant names it.
fastest=$(node bench/fastest-variant.mjs "$out/gpu-perf.json" 64 2>/dev/null)
if [ -n "$fastest" ]; then
  echo "fastest kernel variant at n = 64: $fastest"
  bench_args+=(--kernel-variant "$fastest")
else
  echo "no kernel variant measured at n = 64: the benchmark uses the adapter's default"
fi

echo "== benchmark (limit ${bench_limit}s)"
# dist/bench.js writes to bench/results and to $OUT when set; a local run adds its own folder.
[ -n "${OUT:-}" ] || bench_args+=(--out "$out")
timeout "$bench_limit" node dist/bench.js "${bench_args[@]}" \
  --note "bench/run-gpu.sh$([ "$dry" = 1 ] && echo ' dry run on a software adapter')" 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/bench.log"
rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "benchmark failed (exit $rc)"; status=1; }

echo "== pipeline sweep (limit ${pipe_limit}s)"
# Case (a)'s 10^7 candidates end to end with each chunking, and once with a new result per call.
[ -n "${OUT:-}" ] || pipe_args+=(--out "$out")
timeout "$pipe_limit" node dist/bench.js --pipelines "${pipe_args[@]}" 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/pipelines.log"
rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "pipeline sweep failed (exit $rc)"; status=1; }
exit $status
