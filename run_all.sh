#!/usr/bin/env bash
# Runs every benchmark script of the suite (*Bench.java beside this file) one after the other,
# then prints one summary of the rows they wrote (Report.java), saved as <out>/summary.md, with
# plots of it in <out>/report.html.
#   ./run_all.sh                      the default configuration of every script
#   ./run_all.sh --quick              a smoke run, a few seconds per script
#   ./run_all.sh --out /tmp/r -r 5    results in /tmp/r, 5 runs of each configuration
# Every argument is passed unchanged to every script. A failing script does not stop the others;
# the exit code is non-zero if any script (or the summary) failed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for arg in "$@"; do
  if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
  fi
done

if command -v jbang >/dev/null 2>&1; then jbang=$(command -v jbang); else jbang="$here/jbang"; fi
[[ -x "$jbang" ]] || { echo "run_all.sh: no jbang on PATH and no $here/jbang bootstrap" >&2; exit 2; }

# The results folder, as the scripts read it: -o DIR, -oDIR, -o=DIR, --out DIR, --out=DIR (last wins).
out=results
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -o | --out) out="${args[i + 1]:-results}" ;;
    --out=*) out="${args[i]#--out=}" ;;
    -o=*) out="${args[i]#-o=}" ;;
    -o?*) out="${args[i]#-o}" ;;
  esac
done

# The suite's fixed order, then any other *Bench.java alphabetically.
order=(TransportBench ShmBench ZmqBench ArrowBench RedisBench LmdbBench)
scripts=()
for name in "${order[@]}"; do [[ -f "$here/$name.java" ]] && scripts+=("$name"); done
for f in "$here"/*Bench.java; do
  name=$(basename "$f" .java)
  [[ -f "$f" && " ${order[*]} " != *" $name "* ]] && scripts+=("$name")
done
[[ ${#scripts[@]} -gt 0 ]] || { echo "run_all.sh: no *Bench.java in $here" >&2; exit 2; }

start=$(date -u +%Y-%m-%dT%H:%M:%SZ)   # Report.java ignores rows older than this (earlier runs in the same folder)
export IPCBENCH_SINCE=$start          # a script comparing itself with another's rows (ArrowBench with ShmBench) reads only this session's
failed=()
for name in "${scripts[@]}"; do
  echo "=== $name $*" >&2
  began=$SECONDS
  "$jbang" "$here/$name.java" "$@"
  code=$?
  if [[ $code -eq 0 ]]; then
    echo "=== $name done in $((SECONDS - began)) s" >&2
  else
    echo "=== $name FAILED (exit $code) after $((SECONDS - began)) s" >&2
    failed+=("$name (exit $code)")
  fi
  echo >&2
done

report=(--out "$out" --since "$start")
for name in "${failed[@]}"; do report+=(--failed "$name"); done
"$jbang" "$here/Report.java" "${report[@]}"
report_code=$?

# Report.java's last line names summary.md and report.html.
if [[ $report_code -ne 0 ]]; then
  echo
  echo "No summary written: Report.java failed (exit $report_code)"
  [[ ${#failed[@]} -eq 0 ]] || echo "Failed scripts: $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')"
fi
[[ ${#failed[@]} -eq 0 && $report_code -eq 0 ]] || exit 1
