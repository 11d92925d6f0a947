#!/usr/bin/env bash
# CMSwitch's experiment: the mode-allocation MIP against all-compute on every benchmark.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here"/../../../bin/cim-explore "$here/modes.sweep" -o "$here/modes" "$@"
