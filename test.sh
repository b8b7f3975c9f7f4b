#!/usr/bin/env bash
# Runs every test of the suite: tests/*Test.java, one JBang script per benchmark script.
# Each prints PASS/FAIL/SKIP lines and ends with "N passed, N failed, N skipped"; this adds them up.
#   ./test.sh                  everything
#   ./test.sh Transport        only tests/TransportBenchTest.java
#   ./test.sh Transport SIGINT only its tests whose name contains SIGINT
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 2
if command -v jbang >/dev/null 2>&1; then JBANG=$(command -v jbang); else JBANG="$here/jbang"; fi
export JBANG

# What the tests leave behind: files in /dev/shm (semaphores, run folders' contents; the suite folders
# themselves stay) and processes of the scripts (a child runs with --role). Compared before and after.
leftovers() {
  find /dev/shm -mindepth 1 \( -type f -o -path '/dev/shm/*/*' \) 2>/dev/null | sort
  pgrep -af -- '--role[= ]' | grep -E 'Bench' | grep -v pgrep | awk '{print "process " $1 " " $NF " " $(NF-1)}' | sort
}
before=$(leftovers)

passed=0 failed=0 skipped=0 broken=()
for t in tests/*Test.java; do
  [[ -n "${1:-}" && "$t" != *"$1"* ]] && continue
  echo "== $t"
  log=$(mktemp)
  "$JBANG" "$t" "${@:2}" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  tally=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  rm -f "$log"
  if [[ -z "$tally" ]]; then
    broken+=("$t (exit $code, no tally)")
    failed=$((failed + 1))
    continue
  fi
  [[ $tally =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]
  passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2])); skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
  [[ $code -ne 0 && ${BASH_REMATCH[2]} -eq 0 ]] && { broken+=("$t (exit $code)"); failed=$((failed + 1)); }
done
left=$(comm -13 <(echo "$before") <(leftovers))
if [[ -z "${1:-}" && -n "$left" ]]; then
  echo "$left" | sed 's/^/LEFT BEHIND /'
  failed=$((failed + 1))
fi
for b in "${broken[@]}"; do echo "BROKEN $b"; done
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
