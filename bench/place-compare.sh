#!/usr/bin/env bash
# NoC byte-hops per inference of `place` on every repository model on the cimflow preset: the
# optimiser (strategy=search) against each of CIMFlow's four patterns, as the ratio of each
# pattern to the optimiser, with the pass's own time from --timing. The inputs are made first
# (import, canonicalize, graph-to-op, segment, mode-alloc) and not timed.
#   bash bench/place-compare.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/place
models=("${@:-resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill}")
bin/cim-opt --version >/dev/null
printf '%-22s %8s %14s %8s %9s %11s %8s %9s\n' model segments "search" s-snake two-sides \
  block-snake hilbert "time (ms)"
for m in ${models[@]}; do
  ir=bench/out/place/$m.cimflow.cim
  [[ -f $ir ]] || bin/cim-translate --import-onnx models/$m.onnx \
    | bin/cim-opt --pass="canonicalize,graph-to-op{arch=cimflow},segment,mode-alloc" -o "$ir" \
      2>/dev/null
  report=$(bin/cim-opt "$ir" --pass=place --pass-statistics --timing -o /dev/null 2>&1)
  stat() { sed -n "s/^ *(S) \([0-9]*\) $1\$/\1/p" <<<"$report"; }
  search=$(stat "byte-hops")
  row=()
  for p in s-snake two-sides block-snake hilbert; do
    row+=("$(echo "scale=3; $(stat "byte-hops, $p baseline") / $search" | bc)")
  done
  exact=$(stat "segments placed exactly")
  searched=$(stat "segments placed by search")
  segments=$(( ${exact:-0} + ${searched:-0} ))
  ms=$(sed -n 's/^ *\([0-9.]*\) ([ 0-9.]*%)  place$/\1/p' <<<"$report" | awk '{printf "%.0f", $1 * 1000}')
  printf '%-22s %8s %14s %7sx %8sx %10sx %7sx %9s\n' "$m" "$segments" "$search" "${row[@]}" "$ms"
done
