#!/usr/bin/env bash
# Places the LTS candidate kernel's time on a GPU machine by leaving work out: the kernel profile
# (dist/gpu-perf.js) at one pool size with C-steps and Gauss–Newton iterations varied. Differences
# between rows give the cost of one C-step (selection + refit), of the refits' iterations and of
# the selections alone. Prepare as for bench/run-gpu.sh (its header); run from the repository root:
#   source .gpu-bundle/setup.sh && bash bench/kernel-split.sh
# Environment: N (pool size, default 64), VARIANTS (comma-separated, default unrolled-early),
# OUT (default bench/results/kernel-split). Writes $OUT/cs<C>-gn<G>/gpu-perf.json per shape and
# $OUT/kernel-split.log.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/results/kernel-split}
mkdir -p "$out"
run_all() {
local status=0
# (C-steps, iterations): the defaults, no refits, no C-steps, neither, twice the C-steps, twice the iterations.
for shape in "2 8" "2 0" "0 8" "0 0" "4 8" "2 16"; do
  read -r cs gn <<<"$shape"
  dir="$out/cs$cs-gn$gn"
  mkdir -p "$dir"
  echo "== C-steps $cs, Gauss–Newton iterations $gn"
  OUT="$dir" TRIMFIT_PERF_N="${N:-64}" TRIMFIT_PERF_VARIANTS="${VARIANTS:-unrolled-early}" \
    TRIMFIT_PERF_C_STEPS="$cs" TRIMFIT_PERF_GN_ITERATIONS="$gn" TRIMFIT_PERF_BUDGET_S=60 \
    timeout 120 node dist/gpu-perf.js 2>&1 | grep -v XDG_RUNTIME_DIR
  rc=${PIPESTATUS[0]}; [ "$rc" = 0 ] || { echo "failed (exit $rc)"; status=1; }
done
return "$status"
}
run_all 2>&1 | tee "$out/kernel-split.log"
exit "${PIPESTATUS[0]}"
