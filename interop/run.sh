#!/usr/bin/env bash
# Interop suite: `npm run test:interop` (.ci/run calls it when java and mvn exist).
#   1. checks the captured fixtures (no Java needed);
#   2. compiles the Java driver for both client lines (rocketmq-client 5.5.0 and 4.9.8);
#   3. starts the Apache RocketMQ 5.5.0 reference cluster (downloaded once into ~/.cache/rocketnest), runs the
#      driver against it with each client line, stops the cluster.
# Prints "SKIP interop: <why>" and exits 0 when java, mvn or Maven Central is unavailable. Bounded: < 15 min.
set -uo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "SKIP interop: $*"
  exit 0
}
command -v java >/dev/null 2>&1 || skip "java not found"
command -v mvn >/dev/null 2>&1 || skip "mvn not found"
started=$(date +%s)

bash interop/build.sh || exit 1
node interop/target/node/capture/fixture-check.js || exit 1

network_error='Could not (transfer|resolve|find artifact)|Unknown ?host|UnknownHost|Connection (refused|reset|timed out)|connect timed out|Network is unreachable|Temporary failure in name resolution|offline mode'
for profile in rmq5 rmq4; do
  if ! out=$(timeout -k 10 600 mvn -B -q -f interop/java-driver/pom.xml -P "$profile" process-classes 2>&1); then
    if grep -qE "$network_error" <<<"$out"; then
      skip "Maven Central unreachable while resolving the $profile driver: $(grep -m1 -E "$network_error" <<<"$out" | cut -c1-300)"
    fi
    echo "$out" | tail -40
    echo "FAIL interop: the Java driver ($profile) does not compile"
    echo "interop: 0 passed, 1 failed"
    exit 1
  fi
done

log=$(mktemp "${TMPDIR:-/tmp}/rocketnest-interop-XXXXXX.log")
trap 'rm -f -- "$log"' EXIT
delay_levels="1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"
# Retries come back after 1 s instead of 10 s / 30 s; transaction check-backs every second after 2 s, op
# records flushed every 0.5 s (5.x batches them, see README "Apache behaviour").
timeout -k 30 840 node interop/target/node/apache/cluster-cli.js run \
  --delay-levels "$delay_levels" --tx-check-interval-ms 1000 --tx-timeout-ms 2000 --tx-op-batch-interval-ms 500 \
  -- bash -c '
    rc=0
    timeout -k 10 330 bash interop/java-driver/run-driver.sh --client 5 -n "$NAMESRV_ADDR" --timeout-ms 30000 || rc=1
    timeout -k 10 330 bash interop/java-driver/run-driver.sh --client 4 -n "$NAMESRV_ADDR" --timeout-ms 30000 || rc=1
    exit $rc' 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" = 3 ]; then
  skip "$(grep -m1 '^SKIP' "$log" | sed 's/^SKIP //')"
fi
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "# interop took $(($(date +%s) - started)) s"
echo "interop: $passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
