#!/usr/bin/env bash
# check-mlir-compat.sh — checks cimir's compatibility contract (DESIGN.md 2.2):
# whatever cim-opt prints, `mlir-opt-19 --allow-unregistered-dialect` parses and
# prints back byte for byte.
#
# For every .cim file under lit-tests/ (except filecheck/, Output/, target/,
# src/) whose RUN lines use neither `not` nor `--verify-diagnostics`, run
# cim-opt on it with the flags of the first cim-opt command of its first RUN
# line (--allow-unregistered-dialect, --split-input-file, --pass/--pipeline/
# --pass-pipeline/--arch options), feed the output to mlir-opt (with
# --split-input-file when used; the `// -----` separators in cim-opt's output
# split it again) and require identical bytes; then print that output in the generic form
# (--mlir-print-op-generic) with both tools and require identical bytes again. For files that
# need no pass and no splitting, also compare --mlir-print-debuginfo output (locations with
# MLIR's #loc aliases) and check that cim-opt reads it back unchanged.
#
# Usage: lit-tests/check-mlir-compat.sh [-v] [FILE_OR_DIR...]
#   -v          also list the files that pass and the files skipped
# Environment:
#   CIM_OPT     cim-opt to test          (default: <repo>/bin/cim-opt)
#   MLIR_OPT    the oracle               (default: mlir-opt-19)
# Output ends with exactly one line `mlir-compat: N passed, N failed`;
# the exit status is 1 when any file failed, 2 on bad usage.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

verbose=0
targets=()
for arg in "$@"; do
  case "$arg" in
    -v|--verbose) verbose=1 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check-mlir-compat: unknown option '$arg'" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=("$here")

cim_opt=${CIM_OPT:-$root/bin/cim-opt}
case "$cim_opt" in
  /*) ;;
  */*) cim_opt="$PWD/$cim_opt" ;;
esac
mlir_opt=${MLIR_OPT:-mlir-opt-19}

if ! command -v "$mlir_opt" >/dev/null 2>&1; then
  echo "check-mlir-compat: '$mlir_opt' not found (set MLIR_OPT)" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "check-mlir-compat: python3 is needed to read RUN lines" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mlir-compat.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Prints, one per line, the cim-opt flags to use for FILE; prints the single
# line "SKIP <reason>" when the file is not subject to the contract.
run_flags() {
  python3 - "$1" <<'PY'
import re, shlex, sys

path = sys.argv[1]
with open(path, encoding="utf-8", errors="replace") as f:
    text = f.read()

# RUN lines, with `\` continuations joined as lit joins them.
runs, cur = [], None
for line in text.splitlines():
    m = re.search(r"\bRUN:(.*)$", line)
    if not m:
        if cur is not None:
            runs.append(cur); cur = None
        continue
    part = m.group(1).rstrip()
    if cur is None:
        cur = ""
    if part.endswith("\\"):
        cur += part[:-1] + " "
    else:
        runs.append(cur + part); cur = None
if cur is not None:
    runs.append(cur)

if not runs:
    print("SKIP no RUN line"); sys.exit(0)
for r in runs:
    if "--verify-diagnostics" in r:
        print("SKIP --verify-diagnostics"); sys.exit(0)
    try:
        words = shlex.split(r.replace("|", " | "))
    except ValueError:
        words = r.split()
    if "not" in words:
        print("SKIP not"); sys.exit(0)

first = runs[0]
try:
    words = shlex.split(first.replace("|", " | "))
except ValueError:
    words = first.split()
if "cim-opt" not in words:
    print("SKIP first RUN line does not run cim-opt"); sys.exit(0)
cmd = words[words.index("cim-opt") + 1:]
if "|" in cmd:
    cmd = cmd[:cmd.index("|")]

keep_alone = {"--allow-unregistered-dialect", "--split-input-file"}
with_value = ("--pass", "--pass-pipeline", "--pipeline", "--arch")
no_ir = {"--list-ops", "--list-passes", "--help", "-h", "--version"}
out, i = [], 0
while i < len(cmd):
    w = cmd[i]
    if w in no_ir:
        print("SKIP " + w); sys.exit(0)
    if w in keep_alone:
        out.append(w)
    elif any(w.startswith(p + "=") for p in with_value):
        out.append(w)
    elif w in with_value and i + 1 < len(cmd):
        out.append(w + "=" + cmd[i + 1]); i += 1
    i += 1
for w in out:
    print(w)
PY
}

# Prints the first hunk of a unified diff between two files.
first_diff() {
  diff -u --label "cim-opt output" --label "mlir-opt output" "$1" "$2" |
    awk '/^@@/ { n++ } n >= 2 { exit } { print }' | head -n 60
}

# Succeeds when the two files are identical; otherwise counts a failure and shows why.
same() { # expected actual what
  cmp -s "$1" "$2" && return 0
  failed=$((failed + 1))
  echo "FAIL: $rel: $3:"
  first_diff "$1" "$2"
  return 1
}

files=()
for t in "${targets[@]}"; do
  if [ -d "$t" ]; then
    while IFS= read -r -d '' f; do files+=("$f"); done < <(
      find "$t" \( -name filecheck -o -name Output -o -name target -o -name src \) -prune -o \
        -type f -name '*.cim' -print0 | sort -z)
  elif [ -f "$t" ]; then
    files+=("$t")
  else
    echo "check-mlir-compat: no such file or directory: $t" >&2
    exit 2
  fi
done

passed=0
failed=0
for f in "${files[@]}"; do
  rel=${f#"$root"/}
  mapfile -t flags < <(run_flags "$f")
  if [ ${#flags[@]} -gt 0 ] && [[ "${flags[0]}" == SKIP* ]]; then
    [ $verbose -eq 1 ] && echo "SKIP: $rel (${flags[0]#SKIP })"
    continue
  fi
  shown="cim-opt${flags[*]:+ ${flags[*]}}"
  mlir_flags=(--allow-unregistered-dialect)
  for fl in "${flags[@]}"; do
    [ "$fl" = "--split-input-file" ] && mlir_flags+=(--split-input-file)
  done

  if ! "$cim_opt" "$f" "${flags[@]}" >"$tmp/cim.out" 2>"$tmp/cim.err"; then
    failed=$((failed + 1))
    echo "FAIL: $rel: $shown failed:"
    head -n 20 "$tmp/cim.err"
    continue
  fi
  if ! "$mlir_opt" "${mlir_flags[@]}" - <"$tmp/cim.out" >"$tmp/mlir.out" 2>"$tmp/mlir.err"; then
    failed=$((failed + 1))
    echo "FAIL: $rel: mlir-opt ${mlir_flags[*]} rejects cim-opt's output:"
    head -n 20 "$tmp/mlir.err"
    continue
  fi
  same "$tmp/cim.out" "$tmp/mlir.out" \
    "mlir-opt prints the output of '$shown' differently" || continue
  # The generic form too: both tools print the same IR with --mlir-print-op-generic.
  "$cim_opt" --mlir-print-op-generic "${mlir_flags[@]}" - <"$tmp/cim.out" >"$tmp/cim.gen" 2>&1
  "$mlir_opt" --mlir-print-op-generic "${mlir_flags[@]}" - <"$tmp/cim.out" >"$tmp/mlir.gen" 2>&1
  same "$tmp/cim.gen" "$tmp/mlir.gen" "the generic forms of cim-opt and mlir-opt differ" \
    || continue
  # Locations: on an input file that needs no pass and no splitting, both tools print the same
  # `--mlir-print-debuginfo` output (with MLIR's `#loc` aliases), and cim-opt reads it back.
  plain=1
  for fl in "${flags[@]}"; do
    [ "$fl" = "--allow-unregistered-dialect" ] || plain=0
  done
  if [ $plain -eq 1 ]; then
    (cd "$(dirname "$f")" && "$cim_opt" --mlir-print-debuginfo --allow-unregistered-dialect \
      "$(basename "$f")") >"$tmp/cim.loc" 2>&1
    (cd "$(dirname "$f")" && "$mlir_opt" --mlir-print-debuginfo --allow-unregistered-dialect \
      "$(basename "$f")") >"$tmp/mlir.loc" 2>&1
    "$cim_opt" --mlir-print-debuginfo --allow-unregistered-dialect - <"$tmp/mlir.loc" \
      >"$tmp/cim.loc2" 2>&1
    same "$tmp/cim.loc" "$tmp/mlir.loc" "cim-opt and mlir-opt print locations differently" \
      || continue
    same "$tmp/cim.loc" "$tmp/cim.loc2" \
      "cim-opt does not read back its --mlir-print-debuginfo output unchanged" || continue
  fi
  passed=$((passed + 1))
  [ $verbose -eq 1 ] && echo "PASS: $rel"
done

echo "mlir-compat: $passed passed, $failed failed"
[ $failed -eq 0 ]
