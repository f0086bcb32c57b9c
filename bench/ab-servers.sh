#!/usr/bin/env bash
# A/B of two server builds: the same `strata bench` workload against each in turn, alternating, ROUNDS times.
#   bench/ab-servers.sh OLD_STRATA_BINARY NEW_STRATA_BINARY [WORKLOAD] [DURATION]
# e.g. publish both builds with `dotnet publish src/Strata.Cli -c Release -o DIR`, then
#   bench/ab-servers.sh /tmp/old/strata /tmp/new/strata put 8s
# Prints one line per run: round, build, workload, ops/s, p50 and p99 ms, server RSS MB.
set -euo pipefail
old=$1; new=$2; workload=${3:-put}; duration=${4:-8s}; rounds=${ROUNDS:-3}
cd "$(dirname "$0")/.."
dotnet build src/Strata.Cli -c Release -nologo -v quiet > /dev/null
export STRATA_ROOT_ACCESS_KEY=ABBENCHROOTKEY00001 STRATA_ROOT_SECRET_KEY=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for build in old new; do
    binary=$old; [ "$build" = new ] && binary=$new
    rm -rf "$work/data"
    "$binary" serve --data "$work/data" --listen 127.0.0.1:9191 > "$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q "serving S3" "$work/server.log" && break; sleep 0.1; done
    line=$(AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY \
      dotnet src/Strata.Cli/bin/Release/net10.0/strata.dll bench --endpoint-url http://127.0.0.1:9191 --server-pid "$pid" \
      --workload "$workload" --duration "$duration" 2>/dev/null | grep -E "^[a-z-]+ +strata " | head -1)
    echo "$round $build $line" | awk '{print $1, $2, $3, "ops/s=" $7, "p50=" $9, "p99=" $10, "rss=" $NF}'
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
