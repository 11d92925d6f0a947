#!/usr/bin/env bash
# Whole-command time of `cim-translate --import-onnx M | cim-opt --pass=canonicalize` (import,
# canonicalize, verify, print) for EfficientNet-B0 and synthetic models of 5,000 to 20,000
# nodes, with the time per node, to show the growth is about linear.
#   bash bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests -pl bench -am
cp=$(./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
mkdir -p bench/out
for n in 5000 10000 20000; do
  [[ -f bench/out/synthetic-$n.onnx ]] || java -cp "bench/target/classes:$cp" cimir.bench.GenerateOnnx "$n" "bench/out/synthetic-$n.onnx"
done
bin/cim-opt --version >/dev/null   # builds and warms the class-data archive
printf '%-18s %7s %9s %12s\n' model nodes seconds 'us per node'
for m in models/efficientnet_b0.onnx bench/out/synthetic-5000.onnx bench/out/synthetic-10000.onnx bench/out/synthetic-20000.onnx; do
  nodes=$(bin/cim-translate --import-onnx "$m" | grep -c '"graph\.')
  t0=$(date +%s.%N)
  bin/cim-translate --import-onnx "$m" | bin/cim-opt --pass=canonicalize > bench/out/import.cim
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc -l)
  printf '%-18s %7d %9.2f %12.1f\n' "$(basename "$m" .onnx)" "$nodes" "$secs" "$(echo "$secs * 1000000 / $nodes" | bc -l)"
done
