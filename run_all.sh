#!/usr/bin/env bash
# Runs every benchmark script of the suite in a fixed order, then prints one summary of what
# they measured (Report.java) and writes it to <out>/summary.md.
#   ./run_all.sh                  the default configuration of every script
#   ./run_all.sh --quick          a smoke run, a few seconds per script
#   ./run_all.sh --out /tmp/r -r 5
# Every argument goes to every script unchanged. Exits non-zero if any script failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if command -v jbang >/dev/null 2>&1; then jbang=$(command -v jbang); else jbang="$here/jbang"; fi

out=results
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -o|--out) out="${args[i + 1]:-results}" ;;
    --out=*) out="${args[i]#--out=}" ;;
    -o?*) out="${args[i]#-o}" ;;
  esac
done

order=(TransportBench ShmBench ZmqBench ArrowBench RedisBench LmdbBench)
scripts=()
for name in "${order[@]}"; do [[ -f "$here/$name.java" ]] && scripts+=("$name"); done
for f in "$here"/*Bench.java; do
  name=$(basename "$f" .java)
  [[ -f "$f" && " ${order[*]} " != *" $name "* ]] && scripts+=("$name")
done

start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
failed=()
for name in "${scripts[@]}"; do
  echo "=== $name $*" >&2
  "$jbang" "$here/$name.java" "$@"
  code=$?
  if [[ $code -ne 0 ]]; then
    echo "=== $name failed (exit $code)" >&2
    failed+=("$name")
  fi
done

echo >&2
report=(--out "$out" --since "$start")
for name in "${failed[@]}"; do report+=(--failed "$name"); done
"$jbang" "$here/Report.java" "${report[@]}"
report_code=$?
echo
echo "Summary written to $out/summary.md; rows in $out/results.csv and $out/results.jsonl"
[[ ${#failed[@]} -eq 0 && $report_code -eq 0 ]]
