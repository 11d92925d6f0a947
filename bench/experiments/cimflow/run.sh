#!/usr/bin/env bash
# CIMFlow's experiments: strategies (dp, greedy, greedy-nodup) and the T x B design space.
# Writes results.csv, stages.csv, results.json and plots/ beside the sweep files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../../../bin
for s in strategies design-space; do
  "$bin"/cim-explore "$here/$s.sweep" -o "$here/$s" "$@"
done
