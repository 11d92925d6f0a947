#!/usr/bin/env bash
# Runs the in-process JMH benchmarks of cimir (parse and print of a chain of generic ops).
#   bash bench/jmh.sh [JMH ARGS...]     e.g. bash bench/jmh.sh -f 1 -wi 2 -i 3
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests -pl bench -am
cp_file=$PWD/bench/target/classpath.txt
./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
exec java -cp "bench/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "${@:-ParsePrintBenchmark}"
