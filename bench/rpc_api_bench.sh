#!/usr/bin/env bash
# The external API's throughput and latency against raw PostgreSQL doing the
# same SQL on the same database, in one bounded run (see usage below). On a
# shared machine absolute numbers move with the load; the ratio to pgbench,
# measured minutes apart on the same data, moves less, but still moves: the
# report prints the load average before and after so a reader can judge.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/rpc_api_bench.sh [--duration SEC] [--seed-count N] [--out DIR] [--citadel BIN] [--keep] [--quick]

Starts a Release `citadel serve` on a fresh temporary data directory (loopback,
free ports), seeds partners through the API with ../shared/bench/rpc_bench.py
and runs it at concurrency 1 and 8, then drives the same four calls with wrk
(search_read ilike limit 80, read 1 id, create 1, search_count 2 terms) and runs
pgbench on the tenant's database with the very statements the server sent for
one such call (captured with log_statement=all). Prints a table with the issue's
targets beside the figures, the CPU each side spent per call, and the machine's
ceiling for a read and a create at c=8 (common.version under wrk plus the
call's statements pipelined under pgbench: their CPU adds up), stops the
server and removes the data directory. It sets a new password for the throwaway
tenant's admin so that it knows when the server re-verifies it (see below).

  --duration SEC    seconds per wrk and per pgbench run (default 10)
  --seed-count N    partners seeded before measuring (default 10000)
  --out DIR         where the jsonl, pgbench scripts and logs go
                    (default /tmp/citadel-rpc-api-bench.<time>; kept)
  --citadel BIN     the binary (default build/citadel; Release expected)
  --keep            keep the temporary data directory (and say where)
  --workloads LIST  only these of search_read,read,search_count,create (default
                    all; the report then has only their rows)
  --seed-only       rpc_bench.py only seeds (its own measurements are skipped)
  --quick           a smoke run of the script itself: 2 s runs, 1,000 partners,
                    rpc_bench with a tenth of its calls (figures not comparable)

Installs wrk if it is missing (apt-get; root or sudo). Takes about 7 minutes
with the defaults. Never binds anything but 127.0.0.1.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=10 seed_count=10000 out="" citadel="$root/build/citadel" keep=0 rpc_bench_calls=()
only_workloads="" rpc_bench_only=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=${2:?}; shift ;;
    --seed-count) seed_count=${2:?}; shift ;;
    --out) out=${2:?}; shift ;;
    --citadel) citadel=${2:?}; shift ;;
    --keep) keep=1 ;;
    --workloads) only_workloads=${2:?}; shift ;;
    --seed-only) rpc_bench_only=(--only seed) ;;
    --quick) duration=2 seed_count=1000
             rpc_bench_calls=(--read-calls 200 --write-calls 50 --get-calls 200 --count-calls 50 --floor-calls 50) ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
rpc_bench="$root/../shared/bench/rpc_bench.py"
[[ -x "$citadel" || -f "$citadel" ]] || { echo "error: no $citadel (build it first)" >&2; exit 1; }
[[ -f "$rpc_bench" ]] || { echo "error: no $rpc_bench" >&2; exit 1; }
out=${out:-/tmp/citadel-rpc-api-bench.$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
figures="$out/figures.jsonl"
: >"$figures"
say() { printf '\n== %s\n' "$*" >&2; }

# --- tools: only what is missing; apt-get update only if a plain install fails.
install_missing() {
  local missing=() sudo=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v pgbench >/dev/null || missing+=(postgresql-15)  # pgbench ships with the server
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  command -v curl >/dev/null || missing+=(curl)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null >&2 ||
    { "${sudo[@]}" apt-get update -q </dev/null >&2 && "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null >&2; }
}
install_missing

# --- server: a copy of the binary, so a rebuild during the run changes nothing.
# shellcheck source=bench/citadel_under_test.sh
source "$root/bench/citadel_under_test.sh"
start_citadel_under_test "$citadel" 120

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
sleep 2  # let start-up's allocations settle before calling it idle
echo "{\"rss\":\"idle\",\"kib\":$(rss_kib)}" >>"$figures"
echo "{\"machine\":\"$(nproc) cores\",\"cores\":$(nproc),\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$figures"

# The interpreter itself, not a version manager's shim (pyenv's costs 0.4 s a
# start, which would show in every timed helper call).
py=$(python3 -c 'import sys; print(sys.executable)')

# One JSON-RPC call with curl; the body is built by Python so any password is
# quoted right. curl's own time for the exchange goes to $data/last_call_s.
jsonrpc() {  # SERVICE METHOD ARGS_JSON (ARGS_JSON may use $PASSWORD, $UID_)
  local body
  # shellcheck disable=SC2016  # $PASSWORD and $UID_ are placeholders Python fills
  body=$(PASSWORD=$password UID_=${uid:-0} "$py" -c '
import json, os, sys
args = json.loads(sys.argv[3].replace("$PASSWORD", json.dumps(os.environ["PASSWORD"])[1:-1])
                  .replace("$UID_", os.environ["UID_"]))
print(json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                  "params": {"service": sys.argv[1], "method": sys.argv[2], "args": args}}))' "$@")
  curl -sS --max-time 60 --cacert "$ca" -H 'Content-Type: application/json' --data-binary "$body" \
    -w '%{stderr}%{time_total}\n' "$url/jsonrpc" 2>"$data/last_call_s"
}
result() { "$py" -c 'import json,sys; m=json.load(sys.stdin); print(json.dumps(m["result"]) if "result" in m else sys.exit("RPC error: %s" % m))'; }
uid=$(jsonrpc common authenticate "[\"$tenant\", \"$login\", \"\$PASSWORD\", {}]" | result)

# --- rpc_bench: seeds, then its workloads at 1 and 8 (its own numbers of calls).
say "rpc_bench.py: seeding $seed_count partners, then concurrency 1 and 8"
timeout 1800 "$py" "$rpc_bench" --url "$url" --db "$tenant" --user "$login" --password "$password" \
  --seed-count "$seed_count" --concurrency 1,8 --auth-calls 5 "${rpc_bench_calls[@]}" "${rpc_bench_only[@]}" --jsonl "$out/rpc_bench.jsonl" \
  >"$out/rpc_bench.txt" || echo "rpc_bench.py failed (exit $?), see $out/rpc_bench.txt" >&2
sed -n '/^measurement/,$p' "$out/rpc_bench.txt" >&2

# --- the tenant database, and the figures the calls draw their arguments from.
# <data>/run, or a directory in /tmp when that path would be too long for a socket.
socket_dir=$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" "$data/pg/data/citadel.conf")
psql_as() {  # DB SQL: as the embedded cluster's superuser, over its Unix socket
  psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$socket_dir" -U citadel -d "$1" -c "$2"
}
tenant_db=$(psql_as citadel_catalog "SELECT db_name FROM tenants WHERE name = '$tenant' AND state = 'active'")
IFS='|' read -r min_id max_id n_partners <<<"$(psql_as "$tenant_db" "SELECT min(id), max(id), count(*) FROM res_partner")"
n_match=$(psql_as "$tenant_db" "SELECT count(*) FROM res_partner WHERE active AND name ILIKE '%a%'")
max_offset=$((n_match > 80 ? n_match - 80 : 0))
[[ $((max_id - min_id + 1)) -eq $n_partners ]] ||
  echo "warning: partner ids have gaps; wrk's read may hit missing ids (counted as errors)" >&2
echo "{\"dataset\":{\"tenant_db\":\"$tenant_db\",\"partners\":$n_partners,\"ilike_a\":$n_match}}" >>"$figures"

# The server keeps a verified password for 60 s from the check, not from the
# last use; the first calls after that all verify again (PBKDF2, 600,000
# rounds, about 0.4 s of CPU each, c of them at once). Left alone, that stall
# lands in whichever window crosses the minute and decides its figure. So the
# password is changed once (a new hash: the next call verifies, at a time we
# know) and no wrk window is let cross an expiry: before one that would, the
# bench waits for the expiry and makes the verifying call itself.
new_password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
jsonrpc object execute_kw "[\"$tenant\", \$UID_, \"\$PASSWORD\", \"res.users\", \"write\", [[$uid], {\"password\": \"$new_password\"}]]" | result >/dev/null
password=$new_password
verified_at=0 waited=0 verify_ms=()
verify_now() {  # one call that verifies the password; its latency is kept for the report
  jsonrpc object execute_kw "[\"$tenant\", \$UID_, \"\$PASSWORD\", \"res.partner\", \"search_count\", [[]]]" | result >/dev/null
  verified_at=$(date +%s.%N)
  verify_ms+=("$(awk '{printf "%.0f", $1 * 1000}' "$data/last_call_s")")
}
verify_now
keep_expiry_out_of_window() {  # DURATION
  local now pause
  now=$(date +%s.%N)
  pause=$(awk -v n="$now" -v v="$verified_at" -v d="$1" 'BEGIN {e = v + 60; print (n + d + 2 > e) ? (e + 0.5 > n ? e + 0.5 - n : 0) : -1}')
  if awk -v p="$pause" 'BEGIN {exit !(p != -1)}'; then
    if awk -v p="$pause" 'BEGIN {exit !(p > 0)}'; then
      sleep "$pause"
      waited=$(awk -v w="$waited" -v p="$pause" 'BEGIN {print w + p}')
    fi
    verify_now  # the expiry has passed: this call verifies, outside any window
  fi
}

# --- the SQL of one call of each workload, from PostgreSQL's own log.
say "capturing the statements of one call of each workload (log_statement=all)"
read_id=$(((min_id + max_id) / 2))
declare -A call_args=(
  [search_read]="[\"$tenant\", \$UID_, \"\$PASSWORD\", \"res.partner\", \"search_read\", [[[\"name\", \"ilike\", \"a\"]]], {\"fields\": [\"name\", \"email\", \"phone\", \"city\"], \"limit\": 80, \"offset\": 37}]"
  [read]="[\"$tenant\", \$UID_, \"\$PASSWORD\", \"res.partner\", \"read\", [[$read_id]], {\"fields\": [\"name\", \"email\", \"phone\", \"city\", \"write_date\"]}]"
  [create]="[\"$tenant\", \$UID_, \"\$PASSWORD\", \"res.partner\", \"create\", [{\"name\": \"Kalo Mine\", \"email\": \"kalo.mine.pgbench@example.com\", \"phone\": \"+32 412 34 56 78\", \"city\": \"Paris\"}]]"
  [search_count]="[\"$tenant\", \$UID_, \"\$PASSWORD\", \"res.partner\", \"search_count\", [[[\"city\", \"=\", \"Paris\"], [\"name\", \"ilike\", \"ka\"]]]]"
)
workloads=(search_read read search_count create)  # create last: it grows the table
if [[ -n $only_workloads ]]; then
  IFS=, read -r -a workloads <<<"$only_workloads"
  for w in "${workloads[@]}"; do
    [[ -n ${call_args[$w]+x} ]] || { echo "error: unknown workload $w (search_read, read, search_count, create)" >&2; exit 2; }
  done
fi
psql_as citadel_catalog "ALTER SYSTEM SET log_statement = 'all'" && psql_as citadel_catalog "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
declare -A created_id
for w in "${workloads[@]}"; do
  # A call just before, unmarked: the marked one then finds every cache warm.
  jsonrpc object execute_kw "${call_args[$w]}" | result >/dev/null
  psql_as citadel_catalog "SELECT 'rpc-api-bench-mark $w begin'" >/dev/null
  answer=$(jsonrpc object execute_kw "${call_args[$w]}" | result)
  [[ $w == create ]] && created_id[$w]=$answer
  psql_as citadel_catalog "SELECT 'rpc-api-bench-mark $w end'" >/dev/null
done
psql_as citadel_catalog "ALTER SYSTEM RESET log_statement" && psql_as citadel_catalog "SELECT pg_reload_conf()" >/dev/null
sleep 1  # the logging collector writes behind
for w in "${workloads[@]}"; do
  cat "$data"/pg/log/*.log | sed -n "/rpc-api-bench-mark $w begin/,/rpc-api-bench-mark $w end/p" >"$out/$w.log"
done
# Every parameter stays a parameter (pgbench -D); the values drawn per call
# become \set variables. An id array '{N}' becomes ARRAY[:id::int8], still a
# parameter (pgbench's \set makes numbers, not the string '{N}').
to_script() {  # WORKLOAD ARGS...
  local w=$1; shift
  "$py" "$root/bench/pgbench_script_from_log.py" --database "$tenant_db" --defines "$out/$w.defines" "$@" "$out/$w.log" \
    >"$out/$w.pgbench.sql" 2>"$out/$w.statements"
}
# search_read's second statement keeps the captured 80 ids: rows of the same
# table by primary key, as costly as whichever 80 the offset finds.
for w in "${workloads[@]}"; do
  case $w in
    search_read) to_script search_read --var '37=:off' --preamble "\\set off random(0, $max_offset)" ;;
    read) to_script read --var "$read_id=:id" --var "{$read_id}=(ARRAY[:id::int8])" --preamble "\\set id random($min_id, $max_id)" ;;
    search_count) to_script search_count ;;
    create) to_script create --gset-insert --var "${created_id[create]}=:id" --var "{${created_id[create]}}=(ARRAY[:id::int8])" ;;
  esac
done
# The machine's ceilings for a read and a create (the report's last lines):
# the same statements in one pipeline cost PostgreSQL the least (a read goes
# so; a create's COMMIT follows in a second round trip, and no statement
# after its INSERT uses the new id).
for w in "${workloads[@]}"; do
  case $w in
    read) cp "$out/read.log" "$out/read_pipelined.log"
          to_script read_pipelined --pipeline --var "$read_id=:id" --var "{$read_id}=(ARRAY[:id::int8])" \
            --preamble "\\set id random($min_id, $max_id)" ;;
    create) cp "$out/create.log" "$out/create_pipelined.log"
            to_script create_pipelined --pipeline ;;
  esac
done

# --- wrk and pgbench, workload by workload, at 1 and 8. CPU time per request
# of Citadel and of PostgreSQL (the postmaster and its backends, exited ones
# included through its cutime) says which of them a figure is bound by.
ticks_per_s=$(getconf CLK_TCK)
postmaster_pid=$(head -1 "$data/pg/data/postmaster.pid")
proc_ticks() { awk -v c="${2:-0}" '{print $14 + $15 + (c ? $16 + $17 : 0)}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local t child
  t=$(proc_ticks "$postmaster_pid" 1)
  for child in $(ps -o pid= --ppid "$postmaster_pid"); do t=$((t + $(proc_ticks "$child"))); done
  echo "$t"
}
seconds_since() {  # TICKS_BEFORE TICKS_NOW
  awk -v a="$1" -v b="$2" -v h="$ticks_per_s" 'BEGIN {print (b - a) / h}'
}
run_wrk() {  # WORKLOAD CONCURRENCY
  local threads=$(($2 < 2 ? $2 : 2)) line c0 p0
  [[ $1 == version ]] || keep_expiry_out_of_window "$duration"
  c0=$(proc_ticks "$server_pid") p0=$(pg_ticks)
  line=$(timeout $((duration + 60)) wrk -t "$threads" -c "$2" -d "${duration}s" --timeout 10s \
    -s "$root/bench/rpc_api_wrk.lua" "$url/jsonrpc" -- "$1" "$tenant" "$uid" "$password" \
    "$min_id" "$max_id" "$max_offset" 2>&1 | tee -a "$out/wrk.txt" | sed -n 's/^WRK_RESULT //p' || true)
  echo "{\"tool\":\"wrk\",\"workload\":\"$1\",\"concurrency\":$2,\"citadel_cpu_s\":$(seconds_since "$c0" "$(proc_ticks "$server_pid")"),\"pg_cpu_s\":$(seconds_since "$p0" "$(pg_ticks)"),\"result\":${line:-null}}" >>"$figures"
}
run_pgbench() {  # WORKLOAD CONCURRENCY
  local threads=$(($2 < 2 ? $2 : 2)) text tps transactions failed p0 define defines=()
  while IFS= read -r define; do defines+=(-D "$define"); done <"$out/$1.defines"
  p0=$(pg_ticks)
  text=$(timeout $((duration + 60)) pgbench -n -M prepared -c "$2" -j "$threads" -T "$duration" \
    "${defines[@]}" -h "$socket_dir" -U citadel -f "$out/$1.pgbench.sql" "$tenant_db" 2>&1 || true)
  printf '%s\n' "== $1 c=$2" "$text" >>"$out/pgbench.txt"
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$text")
  transactions=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$text")
  failed=$(grep -c 'aborted\|error' <<<"$text" || true)
  echo "{\"tool\":\"pgbench\",\"workload\":\"$1\",\"concurrency\":$2,\"pg_cpu_s\":$(seconds_since "$p0" "$(pg_ticks)"),\"tps\":${tps:-null},\"transactions\":${transactions:-null},\"error_lines\":$failed,\"statements\":$(cat "$out/$1.statements")}" >>"$figures"
}
# common.version first: the floor of HTTPS + JSON-RPC, no database.
for c in 1 8; do say "version (no database), concurrency $c: wrk ${duration}s"; run_wrk version "$c"; done
for w in "${workloads[@]}"; do
  for c in 1 8; do
    say "$w, concurrency $c: wrk ${duration}s, pgbench ${duration}s"
    run_wrk "$w" "$c"
    run_pgbench "$w" "$c"
  done
  if [[ $w == read || $w == create ]]; then
    say "$w's statements in one pipeline, concurrency 8: pgbench ${duration}s"
    run_pgbench "${w}_pipelined" 8
  fi
done

echo "{\"rss\":\"after\",\"kib\":$(rss_kib)}" >>"$figures"
echo "{\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"waited_for_expiry_s\":$waited,\"verify_ms\":[$(IFS=,; echo "${verify_ms[*]}")]}" >>"$figures"
"$py" "$root/bench/rpc_api_report.py" "$figures" "$out/rpc_bench.jsonl" | tee "$out/report.md"
echo "(files: $out)" >&2
