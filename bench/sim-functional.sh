#!/usr/bin/env bash
# Functional simulation per repository model on the cimflow preset (compiled by the cimflow
# pipeline, not timed): wall time of `cim-sim --functional`, instructions simulated per second,
# and, as the reference in the same run, the wall time of the int8 reference interpreter on the
# same model (`cim-interp` after canonicalize,quantize, not timed either). The outputs must be
# equal bit for bit (--expect), else the script stops.
#   bash bench/sim-functional.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/sim
models=("${@:-resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill}")
bin/cim-opt --version >/dev/null
printf '%-22s %12s %9s %12s %10s\n' model instructions "sim (s)" "instr/s" "interp (s)"
for m in ${models[@]}; do
  isa=bench/out/sim/$m.isa.cim
  q=bench/out/sim/$m.int8.cim
  [[ -f $isa ]] || bin/cim-translate --import-onnx models/$m.onnx --arch=cimflow \
    | bin/cim-opt --pipeline=cimflow -o "$isa" 2>/dev/null
  [[ -f $q ]] || bin/cim-translate --import-onnx models/$m.onnx \
    | bin/cim-opt --pass=canonicalize,quantize -o "$q"
  t0=$(date +%s.%N)
  bin/cim-interp "$q" -o bench/out/sim/$m.ref.json
  t1=$(date +%s.%N)
  bin/cim-sim --functional --stats --expect bench/out/sim/$m.ref.json "$isa" \
    -o bench/out/sim/$m.sim.json 2> bench/out/sim/$m.stats
  t2=$(date +%s.%N)
  n=$(sed -n 's/^cim-sim: \([0-9]*\) instructions.*/\1/p' bench/out/sim/$m.stats)
  sim=$(echo "$t2 - $t1" | bc)
  printf '%-22s %12d %9.2f %12.0f %10.2f\n' "$m" "$n" "$sim" "$(echo "$n / $sim" | bc)" \
    "$(echo "$t1 - $t0" | bc)"
done
