#!/usr/bin/env bash
# Interop suite: `npm run test:interop` (.ci/run calls it when java and mvn exist).
#   1. checks the captured fixtures (no Java needed);
#   2. compiles the Java driver for both client lines (rocketmq-client 5.5.0 and 4.9.8);
#   3. runs the Vitest interop suites (vitest.interop.config.ts, test/interop/*.interop.ts):
#        A. our client and Nest transport against the Apache RocketMQ 5.5.0 reference cluster;
#        B. Apache's Java client (both lines, JSON and ROCKETMQ headers) against `rocketnest standalone`;
#   4. if time allows, the driver against the reference cluster (checks the driver itself: a check failing
#      there is the driver's bug, not our broker's).
# Maven's repository stays in ~/.m2 and the Apache jars in ~/.cache/rocketnest, so only the first run
# downloads. Prints "SKIP interop: <why>" and exits 0 when java, mvn or Maven Central is unavailable.
# Bounded: everything together stays under 15 minutes (INTEROP_BUDGET_S, default 840 s).
set -uo pipefail
cd "$(dirname "$0")/.."

budget=${INTEROP_BUDGET_S:-840}
started=$(date +%s)
elapsed() { echo $(($(date +%s) - started)); }
remaining() { echo $((budget - $(elapsed))); }
skip() {
  echo "SKIP interop: $*"
  echo "# interop took $(elapsed) s"
  exit 0
}
# Runs "$@" as the leader of a new session (no job control here, so setsid does not fork: its pid is the
# group id). After $1 seconds the whole group gets SIGTERM, then SIGKILL: vitest, its workers, our broker,
# the Java driver and the Apache JVMs all live in it (the cluster helper's watchdog covers what escapes).
bounded() {
  local limit=$1
  shift
  setsid "$@" &
  local pid=$! deadline=$(($(date +%s) + limit))
  echo "$pid" >"$group_file"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "FAIL interop: still running after ${limit} s, stopping: $*"
      kill -TERM -- "-$pid" 2>/dev/null
      sleep 5
      kill -KILL -- "-$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      return 124
    fi
    sleep 1
  done
  wait "$pid"
}
log=$(mktemp "${TMPDIR:-/tmp}/rocketnest-interop-XXXXXX.log")
report=$(mktemp "${TMPDIR:-/tmp}/rocketnest-interop-XXXXXX.json")
group_file=$(mktemp "${TMPDIR:-/tmp}/rocketnest-interop-XXXXXX.pgid")
# Everything below makes its temp folders here (TMPDIR), so even a killed run leaves nothing behind.
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/rocketnest-interop-run-XXXXXX")
trap 'rm -rf -- "$log" "$report" "$group_file" "$run_tmp"' EXIT
export TMPDIR="$run_tmp"
# Interrupted (CI cancel, Ctrl-C): the suites' process group goes too.
on_signal() {
  local group
  group=$(cat "$group_file" 2>/dev/null)
  if [ -n "$group" ]; then
    kill -TERM -- "-$group" 2>/dev/null
    sleep 3
    kill -KILL -- "-$group" 2>/dev/null
  fi
  exit 130
}
trap on_signal INT TERM

# 1. Fixtures: pure Node, checked even where Java is missing.
bash interop/build.sh || exit 1
node interop/target/node/capture/fixture-check.js || exit 1

command -v java >/dev/null 2>&1 || skip "java not found"
command -v mvn >/dev/null 2>&1 || skip "mvn not found"

# 2. The driver, both client lines (the first run downloads them from Maven Central into ~/.m2).
network_error='Could not (transfer|resolve|find artifact)|Unknown ?host|UnknownHost|Connection (refused|reset|timed out)|connect timed out|Network is unreachable|Temporary failure in name resolution|offline mode'
for profile in rmq5 rmq4; do
  if ! out=$(timeout -k 10 "$(($(remaining) / 2))" mvn -B -q -f interop/java-driver/pom.xml -P "$profile" process-classes 2>&1); then
    if grep -qE "$network_error" <<<"$out"; then
      skip "Maven Central unreachable while resolving the $profile driver: $(grep -m1 -E "$network_error" <<<"$out" | cut -c1-300)"
    fi
    echo "$out" | tail -40
    echo "FAIL interop: the Java driver ($profile) does not compile"
    echo "interop: 0 passed, 1 failed"
    exit 1
  fi
done
echo "# driver compiled after $(elapsed) s"

# 3. Suites A and B. Leave 150 s for step 4 and the summary; the suites kill their JVMs and brokers by PID.
bounded "$(($(remaining) - 150))" npx vitest run -c vitest.interop.config.ts \
  --reporter=default --reporter=json --outputFile.json="$report" >"$log" 2>&1 &
suites=$!
# In the background, so a signal to this script is handled at once (bash defers traps while a foreground
# command runs).
tail -n +1 -f --pid="$suites" "$log" &
wait "$suites"
rc=$?
wait
read -r passed failed skipped < <(node -e '
  const fs = require("node:fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { /* no report: vitest died */ }
  // A file failing outside its tests (a hook) counts once; a file with failed tests counts its tests.
  const broken = (r.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed")).length;
  console.log(r.numPassedTests ?? 0, (r.numFailedTests ?? 0) + broken, (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0));
' "$report")
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "# suites A and B: $passed passed, $failed failed, $skipped skipped after $(elapsed) s"
if [ "$failed" = 0 ] && [ "$passed" = 0 ] && [ "$skipped" -gt 0 ]; then
  skip "$(grep -m1 -oE 'SKIP [a-z-]+: .*' "$log" | sed 's/^SKIP //')"
fi

# 4. Self-check of the driver against Apache: ~90 s warm; only with time to spare.
if [ "$(remaining)" -gt 240 ]; then
  delay_levels="1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"
  timeout -k 30 "$(($(remaining) - 30))" node interop/target/node/apache/cluster-cli.js run \
    --delay-levels "$delay_levels" --tx-check-interval-ms 1000 --tx-timeout-ms 2000 --tx-op-batch-interval-ms 500 \
    -- bash -c '
      rc=0
      timeout -k 10 150 bash interop/java-driver/run-driver.sh --client 5 -n "$NAMESRV_ADDR" --timeout-ms 30000 || rc=1
      timeout -k 10 120 bash interop/java-driver/run-driver.sh --client 4 -n "$NAMESRV_ADDR" --timeout-ms 30000 || rc=1
      exit $rc' 2>&1 | tee "$log"
  self_rc=${PIPESTATUS[0]}
  self_passed=$(grep -c '^PASS ' "$log")
  self_failed=$(grep -c '^FAIL ' "$log")
  if [ "$self_rc" = 3 ]; then
    echo "# driver self-check skipped: $(grep -m1 '^SKIP' "$log")"
  else
    if [ "$self_rc" != 0 ] && [ "$self_failed" = 0 ]; then self_failed=1; fi
    echo "# driver against Apache 5.5.0: $self_passed passed, $self_failed failed"
    passed=$((passed + self_passed))
    failed=$((failed + self_failed))
  fi
else
  echo "# driver self-check against Apache skipped: $(remaining) s left of the ${budget} s budget"
fi

echo "# interop took $(elapsed) s"
echo "interop: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
