#!/usr/bin/env bash
# Timing simulation per repository model on the cimflow preset (compiled by the cimflow
# pipeline, not timed): the simulated latency and energy, the wall time of the whole
# `cim-sim` command (JVM start and parsing included), the instructions simulated per second,
# and the functional run's wall time on the same program as the reference.
#   bash bench/sim-timing.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/sim
models=("${@:-resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill}")
bin/cim-opt --version >/dev/null
printf '%-22s %12s %10s %10s %9s %12s %14s\n' model cycles "time (ms)" "energy (uJ)" \
  "wall (s)" "instr/s" "functional (s)"
for m in ${models[@]}; do
  isa=bench/out/sim/$m.isa.cim
  [[ -f $isa ]] || bin/cim-translate --import-onnx models/$m.onnx --arch=cimflow \
    | bin/cim-opt --pipeline=cimflow -o "$isa" 2>/dev/null
  t0=$(date +%s.%N)
  bin/cim-sim "$isa" > bench/out/sim/$m.timing.txt
  t1=$(date +%s.%N)
  bin/cim-sim --functional "$isa" -o /dev/null
  t2=$(date +%s.%N)
  awk -v m="$m" -v wall="$(echo "$t1 - $t0" | bc)" -v f="$(echo "$t2 - $t1" | bc)" '
    /^latency:/ { cycles = $2; us = $4 }
    /^energy:/ { uj = $2 }
    /^instructions:/ { n = $2; sub(",", "", n) }
    END { printf "%-22s %12d %10.3f %10.1f %9.2f %12.0f %14.2f\n", m, cycles, us / 1000, uj,
      wall, n / wall, f }' bench/out/sim/$m.timing.txt
done
