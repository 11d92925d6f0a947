#!/usr/bin/env bash
# cim-run on every repository model (default pipeline, its default chip): the whole command's
# wall time (JVM start, import, compile and simulation), the compile and simulation times it
# reports, and the simulated latency beside the cost model's prediction. The README's first
# command is `bin/cim-run` on resnet18; its target is under 10 s on a 2-core machine.
#   bash bench/cim-run.sh [MODEL...] [-- CIM-RUN-FLAGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
models=()
while [[ $# -gt 0 && $1 != -- ]]; do models+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
[[ ${#models[@]} -gt 0 ]] || models=(tiny_cnn_weights tiny_cnn_bn_dw tiny_transformer resnet18 \
  mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill)
mkdir -p bench/out/run
bin/cim-run --version >/dev/null
now() { date +%s.%N; }
printf '%-22s %9s %9s %9s %13s %13s %9s %12s\n' model "wall s" "compile s" "sim s" \
  "sim cycles" "pred. cycles" "ratio" "energy (uJ)"
for m in "${models[@]}"; do
  t0=$(now)
  bin/cim-run "models/$m.onnx" --no-progress "$@" > "bench/out/run/$m.txt" \
    2> "bench/out/run/$m.err"
  t1=$(now)
  awk -v m="$m" -v wall="$(echo "$t1 - $t0" | bc)" '
    FNR == NR && /^simulated +[0-9]/ {
      cycles = $2; for (i = 1; i <= NF; i++) if ($i == "=") total = $(i + 1) }
    FNR == NR && /^predicted +[0-9]/ { predicted = $2 }
    FNR != NR && /compiled in/ { compile = $4; sim = $8 }
    END { printf "%-22s %9.2f %9.2f %9.2f %13d %13d %8.2fx %12.1f\n", m, wall, compile, sim,
      cycles, predicted, cycles / predicted, total }' \
    "bench/out/run/$m.txt" "bench/out/run/$m.err"
done
