#!/usr/bin/env bash
# Compiles (Maven, cached in ~/.m2) and runs the Java interop driver.
#   interop/java-driver/run-driver.sh [--client 5|4] -n <namesrv host:port> [--timeout-ms N] [check ...]
# --client 5 (default): rocketmq-client 5.5.0; --client 4: rocketmq-client 4.9.8.
# Extra JVM flags via DRIVER_JAVA_OPTS, e.g. DRIVER_JAVA_OPTS=-Drocketmq.serialize.type=ROCKETMQ.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
profile=rmq5
if [ "${1:-}" = "--client" ]; then
  case "${2:-}" in
    5) profile=rmq5 ;;
    4) profile=rmq4 ;;
    *) echo "--client takes 5 or 4" >&2; exit 2 ;;
  esac
  shift 2
fi
timeout 600 mvn -B -q -f "$here/pom.xml" -P "$profile" process-classes >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/rocketnest-driver-XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
cp="$here/target/$profile/classes:$(cat "$here/target/$profile/classpath.txt")"
# Client logs and broadcasting offsets go to the temp folder, not ~/logs and ~/.rocketmq_offsets.
# rebalance.waitInterval 2 s (default 20 s): a new group's %RETRY% topic only exists after its first heartbeat,
# so its queue joins the rebalance one period later; the default makes the first redelivery wait ~20 s.
# shellcheck disable=SC2086
java -Xms256m -Xmx512m \
  -Duser.home="$work" \
  -Drocketmq.client.logRoot="$work/logs" \
  -Drocketmq.client.localOffsetStoreDir="$work/offsets" \
  -Drocketmq.client.rebalance.waitInterval=2000 \
  ${DRIVER_JAVA_OPTS:-} \
  -cp "$cp" dev.rocketnest.interop.Driver "$@"
