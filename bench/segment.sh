#!/usr/bin/env bash
# Compile time of `segment,mode-alloc` per repository model and preset, as whole cold commands
# (one JVM each), next to the same run with `strategy=greedy` as the reference in the same run.
# The op-level inputs are made first (import, canonicalize, graph-to-op) and not timed.
#   bash bench/segment.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/segment
models=("${@:-resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill}")
bin/cim-opt --version >/dev/null
printf '%-24s %-11s %10s %10s %8s\n' model preset "dp (s)" "greedy (s)" segments
for m in ${models[@]}; do
  for a in cimflow dynaplasia; do
    ir=bench/out/segment/$m.$a.cim
    [[ -f $ir ]] || bin/cim-translate --import-onnx models/$m.onnx \
      | bin/cim-opt --pass="canonicalize,graph-to-op{arch=$a}" -o "$ir"
    t0=$(date +%s.%N)
    bin/cim-opt "$ir" --pass=segment,mode-alloc -o bench/out/segment/$m.$a.dp.cim 2>/dev/null
    t1=$(date +%s.%N)
    bin/cim-opt "$ir" --pass='segment{strategy=greedy},mode-alloc' -o /dev/null 2>/dev/null
    t2=$(date +%s.%N)
    printf '%-24s %-11s %10.2f %10.2f %8d\n' "$m" "$a" "$(echo "$t1 - $t0" | bc)" \
      "$(echo "$t2 - $t1" | bc)" "$(grep -c '"op.segment"' bench/out/segment/$m.$a.dp.cim)"
  done
done
