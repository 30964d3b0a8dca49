#!/usr/bin/env bash
# The one prepared benchmark run for the real-GPU machine (no Node, no vitest, no internet there).
#
# Prepare on a development machine, from the repository root:
#   npm run build && npx vite build --config bench/vite.config.ts   # dist/: bench.js, conformance.js, fit.worker.js
#   ../shared/tools/gpu-bundle.sh                                    # .gpu-bundle/: Node 20, webgpu (Dawn), GL/Vulkan loaders
#   cp -r ../shared/data/retu .gpu-bundle/retu                       # the RETU curves of the paper search
# Run on the GPU machine from the repository root, carrying .gpu-bundle, dist and node_modules/comlink
# (the worker pool's one runtime dependency):
#   bash bench/run-gpu.sh
# It runs the conformance spec (CPU f64 and WebGPU against ltsCandidate) and then the throughput
# benchmark on webgpu, workers and single-thread in one run, writing conformance.log, bench.log and
# <adapter-slug>.json under $OUT (and the JSON under bench/results/). About 4 minutes at most.
#
# Dry run on a machine without a GPU (SwiftShader; much slower, so the budgets are cut):
#   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json bash bench/run-gpu.sh
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/results/run-gpu}
mkdir -p "$out" bench/results

if [ -n "${VK_ICD_FILENAMES:-}" ]; then
  # A Vulkan driver chosen by the caller: a dry run with the local Node and node_modules.
  dry=1
  echo "dry run: VK_ICD_FILENAMES=$VK_ICD_FILENAMES, node $(node --version)"
else
  dry=0
  # shellcheck disable=SC1091
  source .gpu-bundle/setup.sh || { echo "cannot set up .gpu-bundle (see the header of this script)"; exit 2; }
fi
for f in dist/bench.js dist/conformance.js dist/fit.worker.js; do
  [ -f "$f" ] || { echo "missing $f: build first (see the header of this script)"; exit 2; }
done

# Software adapters are ~10^4 times slower: a dry run checks that everything runs, not speed.
if [ "$dry" = 1 ]; then conf_limit=400; bench_args=(--quick); bench_limit=200; else conf_limit=100; bench_args=(--budget-ms 6000 --repeats 3); bench_limit=190; fi

status=0
echo "== conformance (limit ${conf_limit}s)"
timeout "$conf_limit" node dist/conformance.js 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/conformance.log"
rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "conformance failed (exit $rc)"; status=1; }

echo "== benchmark (limit ${bench_limit}s)"
# dist/bench.js writes to bench/results and to $OUT when set; a local run adds its own folder.
[ -n "${OUT:-}" ] || bench_args+=(--out "$out")
timeout "$bench_limit" node dist/bench.js "${bench_args[@]}" \
  --note "bench/run-gpu.sh$([ "$dry" = 1 ] && echo ' dry run on a software adapter')" 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/bench.log"
rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "benchmark failed (exit $rc)"; status=1; }
exit $status
