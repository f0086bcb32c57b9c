#!/bin/bash
# The web console on a bucket of KEYS keys (default 1,000,000): preload with bench/restore's RestorePreload
# (keys photos/NN/NNNNNNN.bin in 100 folders, 0.1% changed after TIME, a third of those deleted), then each page
# timed with curl, median of five after one warm-up. Needs `dotnet build Strata.slnx -c Release` and
# `dotnet publish src/Strata.Cli -c Release -o artifacts/strata`. Figures: bench/RESULTS.md.
set -u
keys=${1:-1000000}
cd "$(dirname "$0")/.."
work=/tmp/cbench; rm -rf $work; mkdir -p $work/data
export STRATA_ROOT_ACCESS_KEY=CBENCHKEY00000000001 STRATA_ROOT_SECRET_KEY=cbenchsecret0123456789abcdefghijklmnop
artifacts/strata/strata serve --data $work/data --listen 127.0.0.1:9395 > $work/serve.log 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:9395/_strata/health > /dev/null && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY
start=$(date +%s)
dotnet bench/restore/Strata.RestorePreload/bin/Release/net10.0/Strata.RestorePreload.dll --endpoint-url http://127.0.0.1:9395 \
  --bucket media --keys $keys --versions 1 --changed 0.001 --prefix photos/ --size 256 --concurrency 32 > $work/preload.log 2>&1
echo "preload: $keys keys in $(( $(date +%s) - start )) s"; tail -3 $work/preload.log
B=http://127.0.0.1:9395/_strata/console
curl -s -c $work/jar -b $work/jar -o /dev/null -w "sign-in %{http_code}\n" -d "accessKeyId=$STRATA_ROOT_ACCESS_KEY&secretKey=$STRATA_ROOT_SECRET_KEY" $B/sign-in
page() { # NAME URL
  curl -s -b $work/jar -o $work/page.html "$2"   # warm-up
  for i in 1 2 3 4 5; do curl -s -b $work/jar -o $work/page.html -w "%{time_total} %{http_code}\n" "$2"; done | sort -n |
    awk -v n="$1" '{a[NR]=$1; c=$2} END {printf "%-40s %s median %.0f ms (min %.0f, max %.0f)", n, c, a[3]*1000, a[1]*1000, a[5]*1000}'
  echo "  rows: $(grep -c 'history?key=' $work/page.html)"
}
page "buckets" $B/buckets
page "objects: photos/ (100 folders)" "$B/buckets/media?prefix=photos/"
page "objects: photos/42/ first page" "$B/buckets/media?prefix=photos/42/"
next=$(grep -o 'rel="next" href="[^"]*"' $work/page.html | head -1 | sed 's/rel="next" href="//; s/"$//; s/&amp;/\&/g')
key=$(grep -o 'history?key=[^"]*' $work/page.html | sed -n 50p | sed 's/history?key=//; s/&amp;/\&/g')
page "objects: photos/42/ second page" "http://127.0.0.1:9395$next"
page "objects: search photos/42/05" "$B/buckets/media?prefix=photos/42/05"
page "objects: photos/42/ show deleted" "$B/buckets/media?prefix=photos/42/&deleted=1"
page "objects: photos/ show deleted" "$B/buckets/media?prefix=photos/&deleted=1"
page "history of one key" "$B/buckets/media/history?key=$key"
kill $server; wait $server 2>/dev/null
du -sh $work/data
