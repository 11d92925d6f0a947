#!/usr/bin/env bash
# Simulation per repository model on the cimflow preset (compiled by the cimflow pipeline,
# not timed): the simulated latency and energy, the wall time of the whole `cim-sim` command
# (JVM start and parsing included) and the instructions simulated per second, in timing mode
# and in functional mode on the same program; then CIMFlow's own 4-convolution program on
# CIMFlow's config.json, with the mesh model and with CIMFlow's NoC table.
#   bash bench/sim-timing.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/sim
models=("${@:-resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill}")
bin/cim-opt --version >/dev/null
now() { date +%s.%N; }
printf '%-22s %12s %10s %11s %9s %10s %9s %10s\n' model cycles "time (ms)" "energy (uJ)" \
  "timing s" "instr/s" "funct. s" "instr/s"
for m in ${models[@]}; do
  isa=bench/out/sim/$m.isa.cim
  [[ -f $isa ]] || bin/cim-translate --import-onnx models/$m.onnx --arch=cimflow \
    | bin/cim-opt --pipeline=cimflow -o "$isa" 2>/dev/null
  t0=$(now)
  bin/cim-sim "$isa" > bench/out/sim/$m.timing.txt
  t1=$(now)
  bin/cim-sim --functional --stats "$isa" -o /dev/null 2> bench/out/sim/$m.functional.txt
  t2=$(now)
  awk -v m="$m" -v wall="$(echo "$t1 - $t0" | bc)" -v f="$(echo "$t2 - $t1" | bc)" \
      -v fn="$(awk '{ print $2 }' bench/out/sim/$m.functional.txt)" '
    /^latency:/ { cycles = $2; us = $4 }
    /^energy:/ { uj = $2 }
    /^instructions:/ { n = $2; sub(",", "", n) }
    END { printf "%-22s %12d %10.3f %11.1f %9.2f %10.0f %9.2f %10.0f\n", m, cycles, us / 1000,
      uj, wall, n / wall, f, fn / f }' bench/out/sim/$m.timing.txt
done

echo
echo "CIMFlow's code-4conv.json on its config.json (addresses unchecked: the program mixes two maps)"
ref=../shared/reference/cimflow
[[ -d $ref ]] || ref=dialects/src/test/resources/cimflow
program=backend-isa/src/test/resources/cimflow/code-4conv.json
for noc in mesh table; do
  args=()
  [[ $noc == table ]] && args=(--noc-table="$ref/flit16dim8.json")
  t0=$(now)
  bin/cim-sim "$program" --unchecked-addresses --arch="$ref/config.json" "${args[@]}" \
    > bench/out/sim/code-4conv.$noc.txt
  t1=$(now)
  awk -v noc="$noc" -v wall="$(echo "$t1 - $t0" | bc)" '
    /^latency:/ { cycles = $2; us = $4 }
    /^energy:/ { uj = $2 }
    /^instructions:/ { n = $2; sub(",", "", n) }
    END { printf "  NoC %-5s %12d cycles %10.3f ms %11.1f uJ %9.2f s wall %10.0f instr/s\n", noc,
      cycles, us / 1000, uj, wall, n / wall }' bench/out/sim/code-4conv.$noc.txt
done
