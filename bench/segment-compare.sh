#!/usr/bin/env bash
# The predicted latency of each repository model under every segmentation strategy and both
# allocation policies, from segment-report's totals of the allocations `segment` costed:
#   dp, greedy, greedy-nodup (no weight copies), layerwise (policy mip) and dp with policy
#   all-compute, as the ratio of each to dp. Inputs are made as in bench/segment.sh.
#   bash bench/segment-compare.sh [PRESET...]     (default: cimflow dynaplasia)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/segment
presets=("${@:-cimflow dynaplasia}")
models=(resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode
  llama7b_block_prefill)
bin/cim-opt --version >/dev/null
total() { # IR, segment options -> total predicted latency in cycles
  bin/cim-opt "$1" --pass="segment{$2},segment-report" -o /dev/null 2>&1 \
    | sed -n 's/^total: latency \([0-9.]*\) cycles.*/\1/p'
}
printf '%-22s %-10s %14s %8s %8s %8s %8s\n' model preset "dp (cycles)" greedy nodup layerw \
  all-comp
for a in ${presets[@]}; do
  for m in "${models[@]}"; do
    ir=bench/out/segment/$m.$a.cim
    [[ -f $ir ]] || bin/cim-translate --import-onnx models/$m.onnx \
      | bin/cim-opt --pass="canonicalize,graph-to-op{arch=$a}" -o "$ir"
    dp=$(total "$ir" "")
    row=()
    for s in greedy greedy-nodup layerwise; do
      row+=("$(echo "scale=2; $(total "$ir" "strategy=$s") / $dp" | bc)")
    done
    row+=("$(echo "scale=2; $(total "$ir" "policy=all-compute") / $dp" | bc)")
    printf '%-22s %-10s %14.0f %7sx %7sx %7sx %7sx\n' "$m" "$a" "$dp" "${row[@]}"
  done
done
