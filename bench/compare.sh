#!/usr/bin/env bash
# Times cim-opt and mlir-opt-19 parsing and printing the same large generated file, in one run,
# and prints wall time, throughput, peak memory (max RSS) and the ratios.
#   bash bench/compare.sh [MEGABYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-50}
file=bench/out/chain-${mb}mb.cim
./mvnw -B -q install -DskipTests -pl bench -am
if [[ ! -f "$file" ]]; then
  java -cp "bench/target/classes" cimir.bench.GenerateIr "$file" "$mb"
fi
bytes=$(stat -c %s "$file")
bin/cim-opt --version >/dev/null   # builds and warms the class-data archive
measure() { # label command...
  local label=$1; shift
  local t0 t1 rss
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o bench/out/rss.txt "$@" "$file" > bench/out/$label.out
  t1=$(date +%s.%N)
  rss=$(cat bench/out/rss.txt)
  local secs; secs=$(echo "$t1 - $t0" | bc -l)
  printf '%-10s %8.2f s  %8.1f MB/s  peak %8.1f MB\n' "$label" "$secs" \
    "$(echo "$bytes / 1048576 / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  echo "$secs $rss" > bench/out/$label.m
}
echo "input: $file ($(echo "$bytes / 1048576" | bc) MB)"
measure cim-opt env CIMIR_JAVA_OPTS="${CIMIR_JAVA_OPTS:--Xmx8g}" bin/cim-opt --allow-unregistered-dialect
measure mlir-opt mlir-opt-19 --allow-unregistered-dialect
read -r ct cr < bench/out/cim-opt.m
read -r mt mr < bench/out/mlir-opt.m
cmp -s bench/out/cim-opt.out bench/out/mlir-opt.out && echo "outputs: identical" || echo "outputs: DIFFER"
printf 'throughput ratio (cim-opt / mlir-opt): %.2f\n' "$(echo "$mt / $ct" | bc -l)"
printf 'peak memory ratio (cim-opt / mlir-opt): %.2f\n' "$(echo "$cr / $mr" | bc -l)"
