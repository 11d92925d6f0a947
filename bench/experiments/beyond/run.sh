#!/usr/bin/env bash
# cimir's own flow against both papers' flows, and its objectives against each other.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here"/../../../bin/cim-explore "$here/pipelines.sweep" -o "$here/pipelines" "$@"
"$here"/../../../bin/cim-explore "$here/objectives.sweep" -o "$here/objectives" "$@"
