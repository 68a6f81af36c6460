#!/bin/bash
# The wrk rows of docs/benchmarks.md: starts `oms` (release build) on a new
# data directory, makes three products and one order, then runs wrk
# against /healthz, GET of the order, and POST /api/orders with three lines
# and with one. Usage: run.sh path/to/oms memory|sqlite
set -euo pipefail
BIN=$1; STORE=$2; HERE=$(cd "$(dirname "$0")" && pwd)
PORT=18095; B=http://127.0.0.1:$PORT
dir=$(mktemp -d)
OMS_STORE=$STORE OMS_DATA_DIR="$dir" OMS_BIND=127.0.0.1:$PORT \
  OMS_ADMIN_EMAIL=load@example.com OMS_ADMIN_PASSWORD=load-password-1 \
  OMS_JWT_SECRET=bench-secret-of-at-least-32-bytes-long OMS_DEMO_DATA=false \
  OMS_RATE_LIMIT_PER_SECOND=10000000 OMS_RATE_LIMIT_BURST=10000000 RUST_LOG=warn "$BIN" > "$dir/oms.log" 2>&1 &
pid=$!
trap 'kill $pid; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -fs $B/healthz > /dev/null && break; sleep 0.1; done
json() { python3 -c "import sys, json; print(json.load(sys.stdin)['$1'])"; }
TOKEN=$(curl -s -H 'content-type: application/json' \
  -d '{"email":"load@example.com","password":"load-password-1"}' $B/auth/login | json token)
product() {
  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"name\":\"$1\",\"price\":100,\"stock\":1000000000}" $B/api/products | json id
}
P1=$(product "Load Mug"); P2=$(product "Load Tea"); P3=$(product "Load Spoon")
ORDER=$(curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"customer\":{\"name\":\"Load Buyer\",\"email\":\"get@load.example\"},\"items\":[{\"productId\":\"$P1\",\"quantity\":1},{\"productId\":\"$P2\",\"quantity\":2},{\"productId\":\"$P3\",\"quantity\":1}]}" \
  $B/api/orders | json id)
export TOKEN P1 P2 P3
run() { echo "== $STORE $1"; shift; wrk -t2 -c64 -d8s --latency "$@" | grep -E "Requests/sec|99%|Non-2xx"; }
run healthz $B/healthz
run get -s "$HERE/get.lua" "$B/api/orders/$ORDER"
run place -s "$HERE/place.lua" $B/api/orders
ONE_LINE=1 run place1 -s "$HERE/place.lua" $B/api/orders
