#!/usr/bin/env bash
# Cross-checks the FileCheck corpus in this folder: runs LLVM's FileCheck on every case and, when
# given the classpath of cimir's FileCheck as $1, runs ours too. A case NAME is NAME.check (the check
# file), NAME.input (the input) and optionally NAME.args (extra FileCheck arguments on one line);
# the expected verdict is the name's prefix, pass-* or fail-*. LLVM and cimir must also agree on the
# exact exit status (1 for a mismatch, 2 for a bad check file or usage).
#
#   lit-tests/filecheck/run-llvm.sh                          # LLVM only
#   lit-tests/filecheck/run-llvm.sh lit-tests/target/classes # LLVM and cimir
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
filecheck="${FILECHECK:-/usr/lib/llvm-19/bin/FileCheck}"
classpath="${1:-}"
java="${JAVA:-java}"

if [[ ! -x "$filecheck" ]] && ! command -v "$filecheck" >/dev/null 2>&1; then
  echo "run-llvm.sh: LLVM FileCheck not found: $filecheck (set FILECHECK)" >&2
  exit 2
fi

# Runs a FileCheck command, prints "pass" or "fail(<status>)".
verdict() {
  local status=0
  "$@" >/dev/null 2>&1 || status=$?
  if [[ $status -eq 0 ]]; then echo pass; else echo "fail($status)"; fi
}

passed=0
failed=0
shopt -s nullglob
for check in "$here"/*.check; do
  name="$(basename "$check" .check)"
  input="$here/$name.input"
  extra=()
  if [[ -f "$here/$name.args" ]]; then
    read -r -a extra < "$here/$name.args" || true
  fi
  expected="${name%%-*}"
  problems=()
  if [[ ! -f "$input" ]]; then
    problems+=("missing $name.input")
  elif [[ "$expected" != pass && "$expected" != fail ]]; then
    problems+=("name must start with pass- or fail-")
  else
    llvm="$(verdict "$filecheck" "$check" --input-file="$input" --dump-input=never ${extra[@]+"${extra[@]}"})"
    [[ "${llvm%%(*}" == "$expected" ]] || problems+=("expected $expected, LLVM says $llvm")
    if [[ -n "$classpath" ]]; then
      ours="$(verdict "$java" -cp "$classpath" cimir.lit.FileCheck "$check" --input-file="$input" \
        --dump-input=never ${extra[@]+"${extra[@]}"})"
      [[ "$ours" == "$llvm" ]] || problems+=("LLVM says $llvm, cimir says $ours")
    fi
  fi
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    for problem in "${problems[@]}"; do
      echo "MISMATCH $name: $problem"
    done
  fi
done

echo "filecheck-crosscheck: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
