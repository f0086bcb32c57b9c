#!/usr/bin/env bash
# `strata mirror --with-history` rate between two local servers, in versions/s (versions and markers written at
# the destination, divided by the command's wall time: plan, copies and report).
#   bench/mirror-bench.sh [KEYS] [VERSIONS] [RUNS]      default 10000 keys × 10 versions (≈101,000 with the changes), 3 runs
# The source history is the restore benchmark's (bench/restore): every key VERSIONS versions of 1 KiB, then 10% of
# the keys overwritten or deleted and a few new keys. Each run mirrors into a fresh versioned bucket; prints one
# JSON line per run and the median.
set -euo pipefail
keys=${1:-10000}; versions=${2:-10}; runs=${3:-3}
cd "$(dirname "$0")/.."
dotnet build src/Strata.Cli -c Release -nologo -v quiet > /dev/null
dotnet build bench/restore/Strata.RestorePreload -c Release -nologo -v quiet > /dev/null
strata=src/Strata.Cli/bin/Release/net10.0/strata
preload="dotnet bench/restore/Strata.RestorePreload/bin/Release/net10.0/Strata.RestorePreload.dll"
export STRATA_ROOT_ACCESS_KEY=MIRRORBENCHROOT00001 STRATA_ROOT_SECRET_KEY=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
export AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# Free ports, as other servers may run on this machine.
ports=($(python3 -c "
import socket
s=[socket.socket() for _ in range(2)]
[x.bind(('127.0.0.1',0)) for x in s]
print(*[x.getsockname()[1] for x in s])"))
src_url=http://127.0.0.1:${ports[0]}; dst_url=http://127.0.0.1:${ports[1]}
for side in src dst; do
  port=$([ "$side" = src ] && echo "${ports[0]}" || echo "${ports[1]}")
  "$strata" serve --data "$work/$side" --listen 127.0.0.1:$port > "$work/$side.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "serving S3" "$work/$side.log" && break; sleep 0.1; done
done
$preload --endpoint-url $src_url --bucket media --keys "$keys" --versions "$versions" --changed 0.1 > /dev/null
rates=()
for run in $(seq 1 "$runs"); do
  # An empty versioned bucket: the preload with no keys creates one.
  $preload --endpoint-url $dst_url --bucket "copy-$run" --keys 0 > /dev/null 2>&1
  "$strata" mirror s3://media/site/ "s3://copy-$run/site/" --with-history --endpoint-url $src_url \
    --dst-endpoint-url $dst_url --json > "$work/run-$run.json" 2> "$work/run-$run.err"
  rate=$(python3 -c "
import json; d=json.load(open('$work/run-$run.json')); p=d['plan']; n=p['versionsToMirror']+p['markersToMirror']
print(json.dumps({'run': $run, 'ok': d['ok'], 'keys': p['keysScanned'], 'versions': p['versionsToMirror'], 'markers': p['markersToMirror'], 'bytes': p['mirrorBytes'], 'seconds': d['elapsedSeconds'], 'versionsPerSecond': round(n / d['elapsedSeconds'], 1)}))")
  echo "$rate"
  rates+=("$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['versionsPerSecond'])" "$rate")")
done
printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print "median versions/s: " a[int((NR+1)/2)]}'
