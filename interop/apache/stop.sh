#!/usr/bin/env bash
# Stops the cluster started by interop/apache/start.sh (SIGTERM, SIGKILL after 10 s) and removes its temp folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f "$here/../target/node/apache/cluster-cli.js" ]; then bash "$here/../build.sh"; fi
exec node "$here/../target/node/apache/cluster-cli.js" stop "$@"
