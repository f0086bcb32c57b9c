# Sourced by the compat suites: starts the published strata binary on 127.0.0.1 with an ephemeral
# port and a temporary data directory, and stops it on exit.
# Needs STRATA_BIN (tests/run-all publishes it to artifacts/strata/strata).
set -u
: "${STRATA_BIN:?set STRATA_BIN to the published strata binary}"
# Scratch space (the server's data, the suites' files) goes to a RAM file system when one has room: the suites
# test what clients send and receive, not the disk (tests/reliability does), and a CI machine's disk can be
# nearly full after the build.
for STRATA_SCRATCH in /dev/shm "${TMPDIR:-/tmp}"; do
  [ -d "$STRATA_SCRATCH" ] && [ -w "$STRATA_SCRATCH" ] && [ "$(df -Pk "$STRATA_SCRATCH" | awk 'NR==2 {print $4}')" -gt 1048576 ] && break
done
export STRATA_SCRATCH TMPDIR=$STRATA_SCRATCH
STRATA_TMP=$(mktemp -d "$STRATA_SCRATCH/strata-compat.XXXXXX")
export STRATA_ROOT_ACCESS_KEY=COMPATROOTKEY000001
export STRATA_ROOT_SECRET_KEY=compat-secret-0123456789abcdefghijklmnopq
# The access log (one line per request) is shown when a test fails.
# STRATA_SERVE_ARGS adds options, e.g. --tls (then STRATA_CA names the generated CA certificate).
"$STRATA_BIN" serve --data "$STRATA_TMP/data" --listen 127.0.0.1:0 --access-log ${STRATA_SERVE_ARGS:-} > "$STRATA_TMP/server.log" 2>&1 &
STRATA_PID=$!
strata_stop() {
  kill -TERM "$STRATA_PID" 2>/dev/null && wait "$STRATA_PID" 2>/dev/null
  rm -rf "$STRATA_TMP"
}
trap strata_stop EXIT
for _ in $(seq 1 200); do
  STRATA_ENDPOINT=$(grep -o 'serving S3 at https\?://[0-9.:]*' "$STRATA_TMP/server.log" | sed 's/serving S3 at //' || true)
  [ -n "$STRATA_ENDPOINT" ] && break
  sleep 0.1
done
if [ -z "${STRATA_ENDPOINT:-}" ]; then
  echo "strata did not start:" >&2; cat "$STRATA_TMP/server.log" >&2; exit 1
fi
export STRATA_ENDPOINT
export STRATA_CA="$STRATA_TMP/data/tls/ca.pem"
export AWS_ACCESS_KEY_ID=$STRATA_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STRATA_ROOT_SECRET_KEY AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

# check NAME COMMAND...: one test of the suite named by $SUITE; it passes when the command exits 0 under
# set -euo pipefail. A failure shows the end of the command's output (progress bars dropped) and the server's
# last requests. Counts go to $passed and $failed; $WORK must be the suite's scratch directory.
passed=0; failed=0
check() {
  local name=$1 rc; shift
  # Not inside an if: set -e is switched off in a subshell that is a condition.
  ( set -euo pipefail; "$@" ) > "$WORK/$name.log" 2>&1; rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "PASS $SUITE $name"; passed=$((passed + 1))
  else
    echo "FAIL $SUITE $name (exit $rc)"
    tr '\r' '\n' < "$WORK/$name.log" | grep -v '^Completed .* remaining *$' | tail -25 | sed 's/^/    /'
    echo "    -- the server's last requests:"
    local log="$STRATA_TMP/server.log"
    [ -f "$WORK/$name.server.log" ] && log="$WORK/$name.server.log"   # a test that ran its own server keeps its log there
    grep -v '^ *$' "$log" | tail -15 | sed 's/^/    | /'
    failed=$((failed + 1))
  fi
}
