#!/usr/bin/env bash
# Instructions the server executes per API call, counted by callgrind: a
# figure that does not move with the machine's load, unlike every timed one
# (wall-clock A/B pairs on the 2-core VMs we run on move by ±15%). Use it to
# judge a change to the request path; use bench/rpc_api_bench.sh for
# throughput. Instructions are not time: on those VMs most of a call's CPU is
# the kernel's (wake-ups, system calls), which this does not count.
set -euo pipefail

usage() {  # (callgrind_control's own chatter goes to stderr)
  cat <<'EOF'
Usage: bench/rpc_callgrind.sh [--citadel BIN] [--calls N] [--workloads LIST] [--top K] [--out DIR]

Starts `citadel serve` under valgrind's callgrind on a fresh temporary data
directory (loopback, free ports; its embedded PostgreSQL runs natively),
seeds 200 partners through the API, then for each workload makes warm-up
calls, zeroes the counters, makes N calls one after another on one
keep-alive connection (bench/rpc_call_loop.py) and dumps the counters. Prints
the server's instructions per call in user space, in the threads that serve
requests (I/O threads, worker pools), and apart, in all other threads (a
background task that ran meanwhile: run again if that figure is large); and,
with --top, the K Citadel functions with the most instructions per call
(inclusive). Stops the server and removes the data directory.

  --citadel BIN     the binary (default build/citadel; Release expected)
  --calls N         measured calls per workload (default 500)
  --workloads LIST  of read,create,search_count,search_read,version
                    (default read,create,version)
  --top K           also list the top K functions per workload (default 0)
  --out DIR         where the callgrind dumps and logs go (default
                    /tmp/citadel-rpc-callgrind.<time>; kept)

Installs valgrind if it is missing (apt-get; root or sudo). About 3 minutes
with the defaults.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
citadel="$root/build/citadel" calls=500 workloads="read,create,version" top=0 out=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --citadel) citadel=${2:?}; shift ;;
    --calls) calls=${2:?}; shift ;;
    --workloads) workloads=${2:?}; shift ;;
    --top) top=${2:?}; shift ;;
    --out) out=${2:?}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $calls =~ ^[0-9]+$ && $calls -ge 1 && $calls -le 100000 ]] || { echo "error: --calls must be 1..100000" >&2; exit 2; }
[[ $top =~ ^[0-9]+$ && $top -le 200 ]] || { echo "error: --top must be 0..200" >&2; exit 2; }
[[ -f "$citadel" ]] || { echo "error: no $citadel (build it first)" >&2; exit 1; }
out=${out:-/tmp/citadel-rpc-callgrind.$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
say() { printf '\n== %s\n' "$*" >&2; }

if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  say "installing valgrind"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q valgrind </dev/null >&2 ||
    { "${sudo[@]}" apt-get update -q </dev/null >&2 && "${sudo[@]}" apt-get install -y -q valgrind </dev/null >&2; }
fi

# shellcheck source=bench/citadel_under_test.sh
source "$root/bench/citadel_under_test.sh"
# Under callgrind the server is ~50 times slower; its start-up too.
start_citadel_under_test "$citadel" 600 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.%p" \
  --trace-children=no
say "seeding 200 partners (rpc_bench.py)"
py=$(python3 -c 'import sys; print(sys.executable)')
timeout 1800 "$py" "$root/../shared/bench/rpc_bench.py" --url "$url" --db "$tenant" --user "$login" \
  --password "$password" --seed-count 200 --only seed >"$out/seed.txt" 2>&1 || { tail "$out/seed.txt" >&2; exit 1; }
read -r uid min_id max_id < <(SSL_CERT_FILE=$ca "$py" - "$url" "$tenant" "$login" "$password" <<'P'
import sys, xmlrpc.client
url, db, login, password = sys.argv[1:5]
uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(db, login, password, {})
ids = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True).execute_kw(
    db, uid, password, "res.partner", "search", [[]], {"order": "id"})
print(uid, ids[0], ids[-1])
P
)
valgrind_pid=$server_pid

# Counted: the threads that serve requests (the I/O threads and the worker
# pools, password hashing included). A background task that ran during the
# calls (the file store's collector, a backup) is shown apart: run again if
# it is large.
printf '\n%-14s %18s %22s\n' "workload" "instructions/call" "other threads/call"
IFS=',' read -r -a wanted <<<"$workloads"
for workload in "${wanted[@]}"; do
  "$py" "$root/bench/rpc_call_loop.py" --port "$port" --cafile "$ca" --db "$tenant" --uid "$uid" \
    --password "$password" --workload "$workload" --min-id "$min_id" --max-id "$max_id" --calls "$calls" \
    --before "callgrind_control -z $valgrind_pid" --after "callgrind_control -d $workload $valgrind_pid" \
    >>"$out/calls.txt"
  sleep 1
  dump=$(ls -t "$out"/callgrind."$valgrind_pid".* | head -1)
  callgrind_annotate --inclusive=yes --threshold=100 "$dump" >"$out/$workload.annotate.txt" 2>/dev/null
  read -r serving other < <(awk '
    /PROGRAM TOTALS/ {total = $1; gsub(",", "", total)}
    /\?\?\?:std::thread::_State_impl<std::thread::_Invoker<std::tuple<citadel::(core::BoundedWorkerPool::BoundedWorkerPool|http::IoContextPool::Start)/ {
      count = $1; gsub(",", "", count); serving += count
    }
    END {print serving + 0, total - serving}' "$out/$workload.annotate.txt")
  # A pooled connection opened meanwhile (the file store's collector, woken
  # early after start-up, had taken the idle one) costs ~170,000 a call over
  # 400 calls: say so rather than let it pass for the call's cost.
  opened=""
  awk -v n="$calls" '/\?\?\?:citadel::db::Connection::Open\(/ {c = $1; gsub(",", "", c); if (c / n > 1000) found = 1}
                    END {exit !found}' "$out/$workload.annotate.txt" &&
    opened="  (a database connection was opened during these calls: run again)"
  printf '%-14s %18s %22s%s\n' "$workload" "$(awk -v t="$serving" -v n="$calls" 'BEGIN {printf "%\047d", t / n}')" \
    "$(awk -v t="$other" -v n="$calls" 'BEGIN {printf "%\047d", t / n}')" "$opened"
  if [[ $top -gt 0 ]]; then
    # Citadel's functions by inclusive instructions, without the chain every
    # call passes through (the worker, the route, the dispatcher, the
    # transaction), which would fill the list with near-100% lines.
    awk -v n="$calls" -v k="$top" '
      /\?\?\?:citadel::/ && !/BoundedWorkerPool::Run|AddJsonRoute|AddJsonRpcRoute|DispatchRpc|DispatchObject|anonymous namespace\)::Run\(|RunInTransaction|TransactionRunner::Run|_Function_handler|IoContextPool/ {
        if (shown++ >= k) next
        count = $1; gsub(",", "", count)
        name = substr($0, index($0, "???:") + 4)
        printf "    %10d  %s\n", count / n, substr(name, 1, 130)
      }' "$out/$workload.annotate.txt"
  fi
done
echo "dumps and annotations: $out" >&2
