#!/usr/bin/env bash
# Replication on this machine: the source's 4 KiB PUT rate with replication off and on (strata bench), then the lag of
# 4 KiB and of 64 MiB PUTs from source acknowledgement to destination commit (lag.py). Two servers of the built binary, fresh data dirs.
# Usage (from the repository root, after `dotnet build -c Release`): bash bench/replication/run.sh [DURATION]
set -euo pipefail
bin=${STRATA:-src/Strata.Cli/bin/Release/net10.0/strata}
duration=${1:-10s}
work=$(mktemp -d /tmp/strata-repl-bench.XXXXXX)
export STRATA_ROOT_ACCESS_KEY=REPLBENCHROOTKEY0001 STRATA_ROOT_SECRET_KEY=repl-bench-secret-key-0123456789abcdef
export AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY AWS_DEFAULT_REGION=us-east-1
src=http://127.0.0.1:9310 dst=http://127.0.0.1:9311
# SOURCE_OPTIONS: extra `strata serve` options for the source, e.g. "--replication-concurrency 16".
"$bin" serve --data "$work/src" --listen 127.0.0.1:9310 ${SOURCE_OPTIONS:-} > "$work/src.log" 2>&1 & src_pid=$!
"$bin" serve --data "$work/dst" --listen 127.0.0.1:9311 > "$work/dst.log" 2>&1 & dst_pid=$!
trap 'kill $src_pid $dst_pid 2>/dev/null; rm -rf "$work"' EXIT
for url in $src $dst; do until curl -sf $url/_strata/health > /dev/null; do sleep 0.2; done; done
bucket() { aws --endpoint-url "$1" s3api create-bucket --bucket "$2" > /dev/null
           aws --endpoint-url "$1" s3api put-bucket-versioning --bucket "$2" --versioning-configuration Status=Enabled; }
bucket $dst replica; bucket $src bench-off; bucket $src bench-on; bucket $src lag-src; bucket $dst lag-dst
STRATA_REMOTE_ACCESS_KEY=$AWS_ACCESS_KEY_ID STRATA_REMOTE_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
  "$bin" admin remote add dst --remote-endpoint-url $dst --path-style --endpoint-url $src > /dev/null
rule() { aws --endpoint-url $src s3api put-bucket-replication --bucket "$1" --replication-configuration \
  "{\"Role\":\"\",\"Rules\":[{\"ID\":\"all\",\"Priority\":1,\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},\"DeleteMarkerReplication\":{\"Status\":\"Enabled\"},\"Destination\":{\"Bucket\":\"arn:strata:remote:dst:$2\"}}]}"; }
rule bench-on replica; rule lag-src lag-dst
echo "== put 4 KiB, replication off"
"$bin" bench --endpoint-url $src --workload put --bucket bench-off --duration "$duration" --keep --server-pid $src_pid
echo "== put 4 KiB, replication on (to the second server)"
"$bin" bench --endpoint-url $src --workload put --bucket bench-on --duration "$duration" --keep --server-pid $src_pid
# The lag runs start from an empty outbox: the PUT run's backlog drains first (the outbox is one queue in commit order).
backlog() { "$bin" admin replication status "$1" --endpoint-url $src | sed -n 's/^backlogVersions: //p'; }
echo "== drain bench-on: $(backlog bench-on) versions queued when the PUTs stopped"
drain_start=$(date +%s.%N)
until [ "$(backlog bench-on)" = 0 ]; do sleep 0.5; done
echo "drained in $(echo "$(date +%s.%N) - $drain_start" | bc) s"
echo "== lag, 4 KiB"
python3 "$(dirname "$0")/lag.py" $src lag-src $dst lag-dst 2000 8
echo "== lag, 4 KiB, one writer (the replicator idle between PUTs)"
python3 "$(dirname "$0")/lag.py" $src lag-src $dst lag-dst 300 1
echo "== lag, 64 MiB"
python3 "$(dirname "$0")/lag.py" $src lag-src $dst lag-dst 12 2 67108864
"$bin" admin replication status bench-on --endpoint-url $src
