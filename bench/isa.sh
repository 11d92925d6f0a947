#!/usr/bin/env bash
# Per repository model and preset: cold compile time of the named pipeline to `isa` (CIMFlow's
# flow on cimflow, CMSwitch's on dynaplasia) next to the same pipeline stopped before
# meta-to-isa in the same run, and the program's instruction counts: total, the most on one
# core, and by class (cim, vector, scalar, transfer, control).
#   bash bench/isa.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/isa
models=("${@:-resnet18 mobilenet_v2 efficientnet_b0 vgg16 bert_base_layer llama7b_block_decode llama7b_block_prefill}")
bin/cim-opt --version >/dev/null
printf '%-22s %-10s %8s %8s %9s %8s %7s %7s %7s %8s %7s\n' model preset "isa (s)" "meta (s)" \
  total "max/core" cim vector scalar transfer control
for m in ${models[@]}; do
  for a in cimflow dynaplasia; do
    p=$([[ $a == cimflow ]] && echo cimflow || echo cmswitch)
    onnx=bench/out/isa/$m.$a.cim
    [[ -f $onnx ]] || bin/cim-translate --import-onnx models/$m.onnx --arch=$a -o "$onnx"
    passes=$(bin/cim-opt --list-passes | grep "^  $p " | sed 's/.*: //')
    t0=$(date +%s.%N)
    bin/cim-opt "$onnx" --pipeline=$p -o bench/out/isa/$m.$a.isa.cim 2>/dev/null
    t1=$(date +%s.%N)
    bin/cim-opt "$onnx" --pass="${passes%,meta-to-isa}" -o /dev/null 2>/dev/null
    t2=$(date +%s.%N)
    bin/cim-translate --emit=isa-asm bench/out/isa/$m.$a.isa.cim -o bench/out/isa/$m.$a.s
    awk -v m="$m" -v a="$a" -v ti="$(echo "$t1 - $t0" | bc)" -v tm="$(echo "$t2 - $t1" | bc)" '
      /^# core/ { core++; next }
      NF == 0 { next }
      { n[core]++; total++; op = $1
        if (op ~ /^CIM_/) cim++
        else if (op ~ /^(MEM_CPY|SEND|RECV)$/) transfer++
        else if (op ~ /^(BEQ|BNE|BGT|BLT|JMP|WAIT|BARRIER|TAG)$/) control++
        else if (op ~ /^(G_LI|S_LI|SC_|GS_MOV|SG_MOV)/) scalar++
        else vector++ }
      END { for (c in n) if (n[c] > most) most = n[c]
        printf "%-22s %-10s %8.2f %8.2f %9d %8d %7d %7d %7d %8d %7d\n", m, a, ti, tm, total,
          most, cim, vector, scalar, transfer, control }' bench/out/isa/$m.$a.s
  done
done
