#!/usr/bin/env bash
# Compiles the Node side of interop/ (cluster helper, capture proxy) to interop/target/node with the repo's swc.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf interop/target/node
npx swc interop/apache interop/capture -d interop/target/node --strip-leading-paths --quiet
# Node needs to know the output is ESM.
echo '{ "type": "module" }' > interop/target/node/package.json
