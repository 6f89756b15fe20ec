#!/usr/bin/env bash
# Starts an Apache RocketMQ NameServer + Broker on 127.0.0.1 (free ports) and leaves them running.
# Prints NAMESRV_ADDR=... ; stop with interop/apache/stop.sh. Flags: see interop/apache/cluster-cli.ts.
# Exit 3 (with a SKIP line) when java, mvn or Maven Central is unavailable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/../build.sh"
exec node "$here/../target/node/apache/cluster-cli.js" start "$@"
