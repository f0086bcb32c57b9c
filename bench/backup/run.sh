#!/bin/sh
# The backup benchmark (bench/RESULTS.md, "Backup and restore-data"): a server with 20,000 versions and 8 x 32 MiB
# objects, then an online backup (hard links), an incremental run after 100 more versions, a --copy run, an
# offline run and a restore-data. Usage: bench/backup/run.sh [WORK_DIR]   (from the repository root, after a Release build)
set -eu
work=${1:-/tmp/strata-backup-bench}
strata="dotnet src/Strata.Cli/bin/Release/net10.0/strata.dll"
rm -rf "$work"; mkdir -p "$work"
export STRATA_ROOT_ACCESS_KEY=BENCHROOTKEY00000001 STRATA_ROOT_SECRET_KEY=bench-secret-key-0123456789abcdefghijklmn
export AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY
$strata serve --data "$work/data" --listen 127.0.0.1:9190 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 5
python3 bench/backup/fill.py http://127.0.0.1:9190 20000 8
e="--endpoint-url http://127.0.0.1:9190"
echo "== online, hard links";      $strata admin backup $e "$work/linked"
python3 - <<PY
import boto3, os
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:9190", region_name="us-east-1")
for i in range(100): s3.put_object(Bucket="backup-bench", Key=f"more/{i}", Body=os.urandom(64 * 1024 if i % 10 == 0 else 1024))
PY
echo "== online, incremental";     $strata admin backup $e "$work/linked"
echo "== online, --copy";          $strata admin backup $e --copy "$work/copied"
kill $server; wait $server || true
echo "== offline, --copy";         $strata backup --data "$work/data" --copy "$work/offline"
echo "== restore-data";            $strata restore-data "$work/copied" --data "$work/restored"
du -sh "$work/data" "$work/copied"
