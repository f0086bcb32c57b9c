#!/usr/bin/env bash
# One `strata bench --baseline` run against one server build, the server in its own process, with the JSON kept:
#   bench/bench-build.sh BUILD_DIR PORT OUT [WORKLOADS...]      (BUILD_DIR holds strata.dll, e.g. artifacts/strata)
# writes OUT (the table) and OUT.json; the bench client is this checkout's Release build. Alternate two builds by
# calling it in turn (bench/RESULTS.md, "the lead's re-runs", used it for the commit pipeline's A/B).
set -u
build=$1; port=$2; out=$3; shift 3
workloads=${*:-put overwrite get}
cd "$(dirname "$0")/.."
work=$(mktemp -d); mkdir -p "$work/data"
export STRATA_ROOT_ACCESS_KEY=benchroot STRATA_ROOT_SECRET_KEY=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
dotnet "$build/strata.dll" serve --data "$work/data" --listen 127.0.0.1:"$port" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/_strata/health" > /dev/null && break; sleep 0.2; done
# shellcheck disable=SC2086
AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY \
  dotnet src/Strata.Cli/bin/Release/net10.0/strata.dll bench --endpoint-url "http://127.0.0.1:$port" \
  --server-pid "$server" --data-dir "$work" --baseline --workload $workloads --duration 6s --json-file "$out.json" > "$out" 2>&1
kill "$server"; wait "$server" 2>/dev/null
rm -rf "$work"
