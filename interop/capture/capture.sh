#!/usr/bin/env bash
# Regenerates interop/fixtures/*.json from real Apache RocketMQ traffic (see capture-cli.ts). Needs java + mvn.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/../build.sh"
node "$here/../target/node/capture/capture-cli.js" "$@"
(cd "$here/../.." && npx prettier --write interop/fixtures >/dev/null)
node "$here/../target/node/capture/fixture-check.js"
