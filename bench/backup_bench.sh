#!/usr/bin/env bash
# A tenant backup to three sites, and its verification (a restore beside),
# against pg_dump | zstd and pg_restore of the same data in the same run (see
# usage below). The issue's targets: backup <= 1.25x `pg_dump -Fc -Z0 | zstd -3
# > file`, restore <= 1.25x `pg_restore`, Citadel's RSS bounded. On a shared
# machine absolute times move with the load; the ratios, measured minutes apart
# on the same data, move less. The report prints the load before and after.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/backup_bench.sh [--size-mb N | --quick] [--runs N] [--output FILE] [--out DIR]
                             [--citadel BIN] [--baseline BIN] [--keep]

Starts `citadel serve` on a fresh temporary data directory (loopback, free
ports), creates a tenant, fills a table of invoice lines in its database until
the table's data (heap, pg_table_size) reaches the size asked (rows of 8
columns: ids, partner, product name, quantity, price, date, free-text note;
deterministic, so every run makes the same bytes; a primary key and an index),
and configures three backup sites: two local directories and a private OpenSSH
server on 127.0.0.1 (internal-sftp, its own ed25519 host and client keys).
Then, per run, each step after `sync` and a CHECKPOINT:

  1. reference   pg_dump -Fc -Z0 -d <tenant db> | zstd -3 -q > file
  2. citadel     citadel backup create TENANT --json   (pg_dump, zstd, AES-GCM,
                 fan-out to the 3 sites, census read from the dump, fsync +
                 re-read of every copy)
  3. reference   pg_restore -d <empty db> file          (the same dump, plain,
                 from a file, into a database made from template0)
  4. citadel     citadel backup verify ID --json        (the daily check:
                 pg_restore from the decrypted stream into a scratch
                 database, census compared, dropped)
  4b. citadel    citadel backup restore ID --as NEW --json   (restore beside:
                 a new tenant from the backup, its census checked, files
                 sealed again; the tenant is dropped afterwards, untimed)
  5. reference   zstd -dc file | pg_restore --no-owner --no-privileges
                 --exit-on-error --single-transaction   (Citadel's pg_restore
                 flags, from a pipe: tells Citadel's own cost from its flags')

Citadel's commands run under /usr/bin/time -v while a sampler reads /proc
every 0.25 s: the peak RSS (VmHWM) of the citadel process itself and of its
pg_dump / pg_restore child apart (time -v's figure is the larger of the two,
as the kernel folds reaped children in), the CPU of each process, of
PostgreSQL's backends and of sshd, and the phases of each command (dump,
census, commit with re-read; restore, pg_restore's tail, census).

  --size-mb N     table data to generate, in MiB (default 1024)
  --quick         a quick check: 100 MiB
  --runs N        repeat steps 1-5 N times; ratios use medians (default 1)
  --output FILE   the JSON report (default <out>/backup_bench.json)
  --out DIR       timelines, logs, the text report (default
                  /tmp/citadel-backup-bench.<time>; kept)
  --citadel BIN   the binary (default build/citadel; Release expected)
  --baseline BIN  another binary (e.g. one built at the commit before a change)
                  whose backup and verify are measured too, on the same data,
                  in the same run, right beside the first's (which goes first
                  alternates per run): an A/B in the same conditions. It must
                  read the same catalog (same migrations); the server is --citadel.
  --keep          keep the data directory, sites and dumps (and say where)

Needs root (or sudo) only to install what is missing (zstd, openssh-server,
time, postgresql-15). Never binds anything but 127.0.0.1. Disk: about 8x the
size asked, under /tmp. With 1 GiB on 2 cores, about 10 minutes per run plus
the generation.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size_mb=1024 runs=1 output="" out="" citadel="$root/build/citadel" baseline="" keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --size-mb) size_mb=${2:?}; shift ;;
    --quick) size_mb=100 ;;
    --runs) runs=${2:?}; shift ;;
    --output) output=${2:?}; shift ;;
    --out) out=${2:?}; shift ;;
    --citadel) citadel=${2:?}; shift ;;
    --baseline) baseline=${2:?}; shift ;;
    --keep) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $size_mb =~ ^[0-9]+$ && $size_mb -ge 1 ]] || { echo "error: --size-mb wants a positive integer" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 ]] || { echo "error: --runs wants a positive integer" >&2; exit 2; }
[[ -f "$citadel" ]] || { echo "error: no $citadel (build it first)" >&2; exit 1; }
[[ -z "$baseline" || -f "$baseline" ]] || { echo "error: no $baseline" >&2; exit 1; }
pg_bin=/usr/lib/postgresql/15/bin
out=${out:-/tmp/citadel-backup-bench.$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
output=${output:-$out/backup_bench.json}
figures="$out/figures.jsonl"
: >"$figures"
say() { printf '\n== %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }

# --- tools: only what is missing; apt-get update only if a plain install fails.
install_missing() {
  local missing=() sudo=()
  command -v zstd >/dev/null || missing+=(zstd)
  [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  [[ -x /usr/bin/time ]] || missing+=(time)
  [[ -x $pg_bin/pg_dump && -x $pg_bin/pg_restore ]] || missing+=(postgresql-15)
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null >&2 ||
    { "${sudo[@]}" apt-get update -q </dev/null >&2 && "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null >&2; }
}
install_missing
py=$(python3 -c 'import sys; print(sys.executable)')

# --- the sampler: the process tree of one timed command, every 0.25 s.
cat >"$out/sampler.py" <<'PY'
"""Samples /proc until --root exits: per process of its tree (comm, VmHWM,
VmRSS, rchar, wchar, CPU ticks), and the CPU of two other trees (PostgreSQL's
postmaster and its backends, sshd and its sessions), exited children included
through cutime/cstime. One JSON line per sample."""
import argparse, json, os, time

p = argparse.ArgumentParser()
p.add_argument("--root", type=int, required=True)
p.add_argument("--postmaster", type=int, default=0)
p.add_argument("--sshd", type=int, default=0)
p.add_argument("--interval", type=float, default=0.25)
p.add_argument("--out", required=True)
a = p.parse_args()

def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    r = s.rfind(")")
    rest = s[r + 2:].split()
    return {"comm": s[s.find("(") + 1:r], "ppid": int(rest[1]), "cpu": int(rest[11]) + int(rest[12]),
            "ccpu": int(rest[13]) + int(rest[14])}

def status(pid):
    v = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, rest = line.partition(":")
            if k in ("VmHWM", "VmRSS"):
                v[k] = int(rest.split()[0])
    return v

def io(pid):
    v = {}
    try:
        with open(f"/proc/{pid}/io") as f:
            for line in f:
                k, _, rest = line.partition(":")
                if k in ("rchar", "wchar", "read_bytes", "write_bytes"):
                    v[k] = int(rest)
    except OSError:
        pass
    return v

def table():
    t = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                t[int(d)] = stat(int(d))
            except OSError:
                pass
    return t

def tree(t, top):
    out, todo = [], [top]
    while todo:
        pid = todo.pop()
        if pid in t:
            out.append(pid)
            todo.extend(c for c, s in t.items() if s["ppid"] == pid)
    return out

def tree_cpu(t, top):
    if not top or top not in t:
        return None
    return sum(t[pid]["cpu"] for pid in tree(t, top)) + t[top]["ccpu"]

start = time.monotonic()
with open(a.out, "w") as f:
    while True:
        t = table()
        if a.root not in t:
            break
        procs = {}
        for pid in tree(t, a.root):
            try:
                procs[pid] = dict(comm=t[pid]["comm"], cpu=t[pid]["cpu"], **status(pid), **io(pid))
            except OSError:
                pass
        f.write(json.dumps({"t": round(time.monotonic() - start, 3), "procs": procs,
                            "pg_cpu": tree_cpu(t, a.postmaster), "sshd_cpu": tree_cpu(t, a.sshd)}) + "\n")
        f.flush()
        time.sleep(a.interval)
PY

# --- the data directory, the sites' directories, the reference dumps.
data=$(mktemp -d /tmp/cbb-XXXXXX)  # short: the PostgreSQL socket path must fit 107 bytes
chmod 755 "$data"                  # the unprivileged service user reaches its pg/ under it
work="$data/bench"                 # sites, sshd, reference dumps
mkdir -p "$work/site-a" "$work/site-b" "$work/sftp-root" "$work/sshd"
chmod 700 "$work"
server_pid="" sshd_pid="" sampler_pid="" measured_pid=""
cleanup() {
  local pid
  for pid in "$measured_pid" "$sampler_pid"; do
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  if [[ -n "$sshd_pid" ]] && kill -0 "$sshd_pid" 2>/dev/null; then
    kill -TERM "$sshd_pid"  # the listener; its sessions ended with citadel's commands
    for _ in $(seq 50); do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 600); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  cp "$data"/server.std* "$work/sshd/sshd.log" "$out"/ 2>/dev/null || true
  if [[ $keep -eq 1 ]]; then echo "data directory kept: $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- the SFTP site: a private sshd on loopback, as src/backup/testing/sshd_test_server.cpp does.
say "starting a private sshd (SFTP only) on 127.0.0.1"
[[ $(id -u) -ne 0 ]] || mkdir -p /run/sshd  # sshd's privilege separation directory, needed as root
ssh-keygen -q -t ed25519 -N '' -C citadel-backup-bench -f "$work/sshd/host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C citadel-backup-bench -f "$work/sshd/client_ed25519_key"
cp "$work/sshd/client_ed25519_key.pub" "$work/sshd/authorized_keys"
chmod 600 "$work/sshd/authorized_keys"
sftp_user=$(id -un)
sshd_port=""
for _ in 1 2 3 4 5; do
  sshd_port=$(free_port)
  cat >"$work/sshd/sshd_config" <<EOF
ListenAddress 127.0.0.1:$sshd_port
HostKey $work/sshd/host_ed25519_key
PidFile $work/sshd/sshd.pid
AuthorizedKeysFile $work/sshd/authorized_keys
AllowUsers $sftp_user
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PermitTTY no
PermitUserRC no
PrintMotd no
PrintLastLog no
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
LogLevel INFO
Subsystem sftp internal-sftp
ForceCommand internal-sftp
EOF
  /usr/sbin/sshd -D -e -f "$work/sshd/sshd_config" >>"$work/sshd/sshd.log" 2>&1 </dev/null &
  sshd_pid=$!
  for _ in $(seq 100); do
    grep -q "Server listening on 127.0.0.1 port $sshd_port" "$work/sshd/sshd.log" && break
    kill -0 "$sshd_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "Server listening on 127.0.0.1 port $sshd_port" "$work/sshd/sshd.log" && break
  kill -TERM "$sshd_pid" 2>/dev/null || true
  sshd_pid=""
done
[[ -n "$sshd_pid" ]] || { echo "error: sshd did not start:" >&2; tail -20 "$work/sshd/sshd.log" >&2; exit 1; }
host_key=$(awk '{print $1 " " $2}' "$work/sshd/host_ed25519_key.pub")

# --- the server: a copy of the binary, so a rebuild during the run changes nothing.
cp "$citadel" "$data/citadel"
# The baseline in a directory of its own, under the same name: the sampler
# finds Citadel's process by its command name.
if [[ -n "$baseline" ]]; then mkdir -p "$data/baseline" && cp "$baseline" "$data/baseline/citadel"; fi
https_port=$(free_port)
say "starting citadel serve (data $data)"
# Scheduled backups off: the server's own daily backup must not run during a
# measurement.
printf '[backup]\nscheduled = false\n' >"$data/bench.toml"
"$data/citadel" serve --data-dir "$data" --config "$data/bench.toml" --listen 127.0.0.1 --https-port "$https_port" --http-port 0 \
  --metrics-port 0 >"$data/server.stdout" 2>"$data/server.stderr" </dev/null &
server_pid=$!
for _ in $(seq 1200); do
  grep -q '^Citadel is ready' "$data/server.stdout" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$data/server.stderr" >&2; exit 1; }
  sleep 0.1
done
grep -q '^Citadel is ready' "$data/server.stdout" || { echo "error: not ready in 120 s" >&2; exit 1; }
cz() { "$data/citadel" "$1" "${@:2}" --data-dir "$data"; }
socket_dir=$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" "$data/pg/data/citadel.conf")
pg_port=$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$data/pg/data/citadel.conf" | tail -1)
pg_port=${pg_port:-5432}
postmaster_pid=$(head -1 "$data/pg/data/postmaster.pid")
pg_conn=(-h "$socket_dir" -p "$pg_port" -U citadel)
psql_as() {  # DB SQL: as the embedded cluster's superuser, over its Unix socket
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -A -t -v ON_ERROR_STOP=1 "${pg_conn[@]}" -d "$1" -c "$2"
}

# --- the tenant, its sites, its data.
tenant=backupbench
cz tenant create "$tenant" >"$out/tenant_create.txt"
IFS='|' read -r tenant_db tenant_role <<<"$(cz tenant info "$tenant" --json |
  "$py" -c 'import json,sys; t=json.load(sys.stdin); print(t["database"] + "|" + t["role"])')"
say "tenant $tenant: database $tenant_db, role $tenant_role"

cz site add site-a --region bench-1 --dir "$work/site-a" >&2
cz site add site-b --region bench-2 --dir "$work/site-b" >&2
cz site add site-sftp --region bench-3 --sftp "$sftp_user@127.0.0.1:$sshd_port$work/sftp-root" \
  --host-key "$host_key" --private-key "$work/sshd/client_ed25519_key" >&2
cz site list >"$out/sites.txt"
if grep -q 'NOT MET' "$out/sites.txt"; then cat "$out/sites.txt" >&2; echo "error: site policy not met" >&2; exit 1; fi

say "generating ${size_mb} MiB of invoice lines in $tenant_db"
gen_start=$(now)
psql_as "$tenant_db" "
CREATE TABLE bench_invoice_line (
  id bigint NOT NULL,
  invoice_id bigint NOT NULL,
  partner_id integer NOT NULL,
  product_name text NOT NULL,
  quantity numeric(12,3) NOT NULL,
  price_unit numeric(14,2) NOT NULL,
  invoice_date date NOT NULL,
  note text
);
ALTER TABLE bench_invoice_line OWNER TO $tenant_role;"
fill() {  # FIRST LAST: rows with ids FIRST..LAST, a pure function of the id
  psql_as "$tenant_db" "
INSERT INTO bench_invoice_line
SELECT g, g / 7 + 1, (g * 2654435761 % 50000)::int + 1,
       (ARRAY['Widget','Gadget','Bolt','Bracket','Panel','Cable','Valve','Sensor','Pump','Filter'])[g % 10 + 1]
         || ' ' || (ARRAY['steel','brass','nylon','copper','oak','PVC'])[g / 10 % 6 + 1]
         || ' ' || lpad((g * 7919 % 10000)::text, 4, '0'),
       (g * 31 % 1000) / 10.0 + 1, (g * 7877 % 100000) / 100.0,
       date '2020-01-01' + (g / 3000 % 2000)::int,
       CASE WHEN g % 3 = 0 THEN NULL
            ELSE 'Order ' || md5(g::text) || ', delivered to dock ' || (g % 17) || ' by carrier ' || (g % 5) END
FROM generate_series($1::bigint, $2::bigint) AS g"
}
first_batch=200000
fill 1 "$first_batch"
heap_bytes() { psql_as "$tenant_db" "SELECT pg_table_size('bench_invoice_line')"; }
target_bytes=$((size_mb * 1024 * 1024))
rows=$(awk -v t="$target_bytes" -v b="$(heap_bytes)" -v n="$first_batch" 'BEGIN {printf "%d", t / (b / n)}')
next=$((first_batch + 1)) batch=1000000
while [[ $next -le $rows ]]; do
  last=$((next + batch - 1 < rows ? next + batch - 1 : rows))
  fill "$next" "$last"
  printf '  %d / %d rows\n' "$last" "$rows" >&2
  next=$((last + 1))
done
psql_as "$tenant_db" "ALTER TABLE bench_invoice_line ADD PRIMARY KEY (id);
CREATE INDEX bench_invoice_line_invoice_id ON bench_invoice_line (invoice_id);"
# Hint bits set and the visibility map written now, so that no timed step
# pays for them; the data then sits in the page cache for every step alike.
psql_as "$tenant_db" "VACUUM (ANALYZE, FREEZE) bench_invoice_line"
psql_as "$tenant_db" "CHECKPOINT"
gen_s=$(elapsed "$gen_start" "$(now)")
IFS='|' read -r n_rows table_bytes total_bytes db_bytes <<<"$(psql_as "$tenant_db" "
SELECT count(*), pg_table_size('bench_invoice_line'), pg_total_relation_size('bench_invoice_line'),
       pg_database_size(current_database()) FROM bench_invoice_line")"
echo "{\"dataset\":{\"tenant_db\":\"$tenant_db\",\"rows\":$n_rows,\"table_bytes\":$table_bytes,\"table_with_indexes_bytes\":$total_bytes,\"database_bytes\":$db_bytes,\"generate_s\":$gen_s,\"size_mb_asked\":$size_mb}}" >>"$figures"
say "$n_rows rows, table $((table_bytes / 1048576)) MiB, with indexes $((total_bytes / 1048576)) MiB, database $((db_bytes / 1048576)) MiB ($gen_s s)"
echo "{\"machine\":{\"cores\":$(nproc),\"mem_kib\":$(awk '/^MemTotal:/ {print $2}' /proc/meminfo),\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"kernel\":\"$(uname -r)\",\"pg_dump\":\"$($pg_bin/pg_dump --version)\",\"zstd\":\"$(zstd --version | head -1)\"}}" >>"$figures"

# --- one timed step: sync and CHECKPOINT first (untimed), then the command
# under /usr/bin/time -v with the sampler on its tree.
settle() {
  sync
  psql_as citadel_catalog "CHECKPOINT"
}
measure() {  # NAME RUN CMD...: figures line {"step", "run", "wall_s", "rc"}; files <out>/<name>.<run>.*
  local name=$1 run=$2 t0 t1 rc=0
  shift 2
  settle
  t0=$(now)
  /usr/bin/time -v -o "$out/$name.$run.time" "$@" >"$out/$name.$run.stdout" 2>"$out/$name.$run.stderr" </dev/null &
  measured_pid=$!
  "$py" "$out/sampler.py" --root "$measured_pid" --postmaster "$postmaster_pid" --sshd "$sshd_pid" \
    --out "$out/$name.$run.timeline.jsonl" &
  sampler_pid=$!
  wait "$measured_pid" || rc=$?
  t1=$(now)
  measured_pid=""
  wait "$sampler_pid" || true
  sampler_pid=""
  echo "{\"step\":\"$name\",\"run\":$run,\"wall_s\":$(elapsed "$t0" "$t1"),\"rc\":$rc}" >>"$figures"
  if [[ $rc -ne 0 ]]; then
    echo "error: $name (run $run) failed with exit $rc: $*" >&2
    tail -20 "$out/$name.$run.stderr" >&2
    return 1
  fi
  printf '   %-22s %8.1f s\n' "$name" "$(elapsed "$t0" "$t1")" >&2
}
fresh_db() {  # NAME: an empty database from template0, as Citadel's verify makes its scratch one
  psql_as citadel_catalog "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
  psql_as citadel_catalog "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8'"
}
ref_dump="$work/reference.dump.zst"
for run in $(seq "$runs"); do
  say "run $run of $runs"
  measure reference_dump "$run" bash -c "set -o pipefail; '$pg_bin/pg_dump' -Fc -Z0 -h '$socket_dir' -p $pg_port -U citadel -d '$tenant_db' | zstd -3 -q > '$ref_dump'"
  echo "{\"step\":\"reference_dump\",\"run\":$run,\"file_bytes\":$(stat -c %s "$ref_dump")}" >>"$figures"

  backup_with() {  # STEP BIN: a backup by BIN, measured as STEP; sets backup_id
    measure "$1" "$run" "$2" backup create "$tenant" --json --data-dir "$data"
    backup_id=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/$1.$run.stdout")
    "$py" - "$out/$1.$run.stdout" "$run" "$work" "$1" >>"$figures" <<'PY'
import json, os, sys
b = json.load(open(sys.argv[1]))
roots = {"site-a": sys.argv[3] + "/site-a", "site-b": sys.argv[3] + "/site-b", "site-sftp": sys.argv[3] + "/sftp-root"}
copies = [{"site": c["site"], "size": c["size"],
           "on_disk": os.path.getsize(os.path.join(roots[c["site"]], c["path"])) if c["site"] in roots else None}
          for c in b["copies"]]
print(json.dumps({"step": sys.argv[4], "run": int(sys.argv[2]), "backup_id": b["id"], "state": b["state"],
                  "size": b["size"], "copies": copies, "error": b["error"]}))
PY
  }
  restore_beside_with() {  # STEP BIN ID: a new tenant from the backup; dropped after, untimed
    local name="rb-${1//_/-}-$run"
    measure "$1" "$run" "$2" backup restore "$3" --as "$name" --json --data-dir "$data"
    "$data/citadel" tenant drop "$name" --yes --data-dir "$data" >/dev/null
  }
  verify_with() {  # STEP BIN ID
    measure "$1" "$run" "$2" backup verify "$3" --json --data-dir "$data"
    "$py" -c 'import json,sys; v=json.load(open(sys.argv[1])); print(json.dumps({"step":sys.argv[3],"run":int(sys.argv[2]),"ok":v.get("ok"),"site":v.get("site"),"bytes_read":v.get("bytes_read"),"differences":v.get("differences")}))' \
      "$out/$1.$run.stdout" "$run" "$1" >>"$figures"
  }
  baseline_id=""
  if [[ -n "$baseline" && $((run % 2)) -eq 0 ]]; then
    backup_with baseline_backup "$data/baseline/citadel"; baseline_id=$backup_id
  fi
  backup_with citadel_backup "$data/citadel"; citadel_id=$backup_id
  if [[ -n "$baseline" && $((run % 2)) -eq 1 ]]; then
    backup_with baseline_backup "$data/baseline/citadel"; baseline_id=$backup_id
  fi

  # The reference restore reads the same bytes pg_dump wrote, from a plain file (untimed decompression).
  zstd -dcq "$ref_dump" >"$work/reference.dump"
  fresh_db bench_ref_restore
  measure reference_restore "$run" "$pg_bin/pg_restore" --exit-on-error -h "$socket_dir" -p "$pg_port" -U citadel \
    -d bench_ref_restore "$work/reference.dump"
  psql_as citadel_catalog "DROP DATABASE bench_ref_restore WITH (FORCE)"
  rm -f "$work/reference.dump"

  if [[ -n "$baseline_id" && $((run % 2)) -eq 0 ]]; then
    verify_with baseline_verify "$data/baseline/citadel" "$baseline_id"
  fi
  verify_with citadel_verify "$data/citadel" "$citadel_id"
  if [[ -n "$baseline_id" && $((run % 2)) -eq 1 ]]; then
    verify_with baseline_verify "$data/baseline/citadel" "$baseline_id"
  fi
  if [[ -n "$baseline_id" && $((run % 2)) -eq 0 ]]; then
    restore_beside_with baseline_restore_beside "$data/baseline/citadel" "$baseline_id"
  fi
  restore_beside_with citadel_restore_beside "$data/citadel" "$citadel_id"
  if [[ -n "$baseline_id" && $((run % 2)) -eq 1 ]]; then
    restore_beside_with baseline_restore_beside "$data/baseline/citadel" "$baseline_id"
  fi

  fresh_db bench_ref_restore
  measure reference_restore_citadel_flags "$run" bash -c "set -o pipefail; zstd -dcq '$ref_dump' | '$pg_bin/pg_restore' --no-owner --no-privileges --exit-on-error --single-transaction -h '$socket_dir' -p $pg_port -U citadel -d bench_ref_restore"
  psql_as citadel_catalog "DROP DATABASE bench_ref_restore WITH (FORCE)"
done
echo "{\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$figures"

# --- the report: a table on stdout (also <out>/report.txt) and the JSON file.
cat >"$out/report.py" <<'PY'
"""Reads figures.jsonl and the timelines; prints the table and writes the JSON."""
import json, os, statistics, sys

out_dir, output, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [json.loads(l) for l in open(os.path.join(out_dir, "figures.jsonl"))]
dataset = next(l["dataset"] for l in lines if "dataset" in l)
machine = next(l["machine"] for l in lines if "machine" in l)
machine["load_after"] = next(l["load_after"] for l in lines if "load_after" in l)
MiB = 1048576.0

def time_v(path):
    f = {}
    for line in open(path):
        k, _, v = line.strip().rpartition(": ")
        f[k] = v
    def seconds(text):
        parts = [float(p) for p in text.split(":")]
        return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return {"user_s": float(f.get("User time (seconds)", 0)), "sys_s": float(f.get("System time (seconds)", 0)),
            "max_rss_kib": int(f.get("Maximum resident set size (kbytes)", 0)),
            "elapsed_s": seconds(f.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0"))}

def analyse(path, size):
    """Per process (by comm): peak VmHWM and CPU; PostgreSQL's and sshd's CPU; phases."""
    samples = [json.loads(l) for l in open(path)]
    if not samples:
        return {}
    procs = {}
    for s in samples:
        for pid, p in s["procs"].items():
            q = procs.setdefault(pid, {"comm": p["comm"], "first": s["t"], "last": s["t"], "hwm_kib": 0, "cpu": 0})
            q["last"] = s["t"]
            q["hwm_kib"] = max(q["hwm_kib"], p.get("VmHWM", 0))
            q["cpu"] = max(q["cpu"], p["cpu"])
            for k in ("rchar", "wchar"):
                if k in p:
                    q[k] = p[k]
    by_comm = {}
    for q in procs.values():
        c = by_comm.setdefault(q["comm"], {"peak_rss_kib": 0, "cpu_s": 0.0})
        c["peak_rss_kib"] = max(c["peak_rss_kib"], q["hwm_kib"])
        c["cpu_s"] = round(c["cpu_s"] + q["cpu"] / hz, 2)
    by_comm.pop("time", None)
    def delta(key):
        v = [s[key] for s in samples if s.get(key) is not None]
        return round((v[-1] - v[0]) / hz, 2) if len(v) > 1 else None
    result = {"processes": by_comm, "postgres_cpu_s": delta("pg_cpu"), "sshd_cpu_s": delta("sshd_cpu"),
              "samples": len(samples), "last_sample_s": samples[-1]["t"]}
    # Phases, from the citadel process's reads and its child's lifetime.
    cit = [pid for pid, q in procs.items() if q["comm"] == "citadel"]
    if not cit:
        return result
    cit = cit[0]
    series = [(s["t"], s["procs"][cit].get("rchar", 0)) for s in samples if cit in s["procs"]]
    child = [q for q in procs.values() if q["comm"] in ("pg_dump", "pg_restore")]
    end = series[-1][0]
    if child:
        c0, c1 = min(q["first"] for q in child), max(q["last"] for q in child)
        result["child_first_s"], result["child_last_s"] = c0, c1
        if child[0]["comm"] == "pg_dump":
            # After pg_dump: what is left of a census on its own connection
            # (binaries before the census was read from the dump: a backend
            # busy, citadel idle; now only the manifest), then the sites' commits. A local re-read shows in citadel's
            # rchar (read(2)); the SFTP one does not (recv(2) is not counted).
            after = [s for s in samples if s["t"] > c1 and cit in s["procs"]]
            busy = [b["t"] for a, b in zip(after, after[1:])
                    if a.get("pg_cpu") is not None and b["pg_cpu"] - a["pg_cpu"] >= 0.4 * (b["t"] - a["t"]) * hz]
            census_end = busy[-1] if busy else (after[0]["t"] if after else end)
            base = after[0]["procs"][cit].get("rchar", 0) if after else 0
            result["phases_s"] = {"start (sites, key, snapshot)": c0,
                                  "dump, zstd, AES-GCM, write to every site": round(c1 - c0, 2),
                                  "census left (older binaries) and manifest": round(census_end - c1, 2)}
            # The commits: one site after another (older binaries) or all at
            # once; either way, when the two local re-reads were done (citadel's
            # read(2) bytes) and when everything was.
            t = next((s["t"] for s in after if s["procs"][cit].get("rchar", 0) - base >= 2 * size * 0.98),
                     None) if size else None
            if t is not None:
                result["phases_s"]["  local copies (site-a, site-b) synced and re-read, after"] = round(max(t - census_end, 0), 2)
            result["phases_s"]["commit of every site (sync, re-read, rename), catalog"] = round(end - census_end, 2)
        else:
            # pg_restore's own reads: citadel's would jump when it reaps the
            # child (the kernel folds a reaped child's I/O into its parent's).
            pid = next(pid for pid, q in procs.items() if q["comm"] == "pg_restore")
            fed = [(s["t"], s["procs"][pid].get("rchar", 0)) for s in samples if pid in s["procs"]]
            moving = [t for (t, r), (_, r0) in zip(fed[1:], fed) if r > r0]
            read_end = moving[-1] if moving else c0
            # Then the census (one backend busy), then DROP DATABASE (which
            # waits for a checkpoint: the restored pages are written then).
            after = [s for s in samples if s["t"] > c1]
            busy = [b["t"] for a, b in zip(after, after[1:])
                    if a.get("pg_cpu") is not None and b["pg_cpu"] - a["pg_cpu"] >= 0.4 * (b["t"] - a["t"]) * hz]
            census_end = busy[-1] if busy else c1
            result["phases_s"] = {"start (site, key, scratch database)": c0,
                                  "read, decrypt, unzstd, pg_restore takes the data": round(read_end - c0, 2),
                                  "pg_restore after its input (indexes, commit)": round(c1 - read_end, 2),
                                  "census of the restored database (hash of every row)": round(census_end - c1, 2),
                                  "drop the scratch database (its checkpoint), catalog": round(end - census_end, 2)}
    return result

steps = {}
for l in lines:
    if "step" in l and "wall_s" in l:
        e = dict(l)
        base = os.path.join(out_dir, "%s.%d" % (l["step"], l["run"]))
        e["time_v"] = time_v(base + ".time") if os.path.exists(base + ".time") else None
        steps.setdefault(l["step"], {})[l["run"]] = e
for l in lines:
    if "step" in l and "wall_s" not in l:
        steps.setdefault(l["step"], {}).setdefault(l["run"], {}).update({k: v for k, v in l.items() if k not in ("step", "run")})
for name, runs in steps.items():
    for run, e in runs.items():
        size = e.get("size") or 0
        tl = os.path.join(out_dir, "%s.%d.timeline.jsonl" % (name, run))
        if os.path.exists(tl):
            e["sampled"] = analyse(tl, size if name in ("citadel_backup", "baseline_backup") else 0)

def median(name):
    v = [e["wall_s"] for e in steps.get(name, {}).values() if "wall_s" in e]
    return statistics.median(v) if v else None

def cpu_total(e):
    """CPU seconds of a step: its own processes, PostgreSQL's backends, sshd."""
    s = e.get("sampled") or {}
    if not s.get("processes"):
        return None
    return sum(v["cpu_s"] for v in s["processes"].values()) + (s.get("postgres_cpu_s") or 0) + \
        (s.get("sshd_cpu_s") or 0)

def median_cpu(name):
    v = [c for c in (cpu_total(e) for e in steps.get(name, {}).values()) if c is not None]
    return statistics.median(v) if v else None

pairs = [("backup to 3 sites", "citadel_backup", "reference_dump", 1.25),
         ("restore beside (a new tenant)", "citadel_restore_beside", "reference_restore", 1.25),
         ("verify (scratch restore, census)", "citadel_verify", "reference_restore", None),
         ("verify vs pg_restore with Citadel's flags", "citadel_verify", "reference_restore_citadel_flags", None),
         ("baseline: backup to 3 sites", "baseline_backup", "reference_dump", 1.25),
         ("baseline: restore beside", "baseline_restore_beside", "reference_restore", 1.25),
         ("baseline: verify", "baseline_verify", "reference_restore", None),
         ("backup, this binary / the baseline", "citadel_backup", "baseline_backup", None),
         ("restore beside, this binary / the baseline", "citadel_restore_beside", "baseline_restore_beside", None),
         ("verify, this binary / the baseline", "citadel_verify", "baseline_verify", None)]
ratios = []
for label, c, r, target in pairs:
    mc, mr = median(c), median(r)
    if mc and mr:
        ratios.append({"what": label, "citadel": c, "reference": r, "citadel_s": mc, "reference_s": mr,
                       "ratio": round(mc / mr, 3), "target": target,
                       "met": (mc / mr <= target) if target else None})

# A step on 2 shared cores is often bound by CPU: the work done, whatever the wait.
for label, c, r in (("CPU s: backup to 3 sites / reference dump", "citadel_backup", "reference_dump"),
                    ("CPU s: baseline backup / reference dump", "baseline_backup", "reference_dump"),
                    ("CPU s: verify / reference restore", "citadel_verify", "reference_restore"),
                    ("CPU s: restore beside / reference restore", "citadel_restore_beside", "reference_restore")):
    mc, mr = median_cpu(c), median_cpu(r)
    if mc and mr:
        ratios.append({"what": label, "citadel": c, "reference": r, "citadel_s": round(mc, 2),
                       "reference_s": round(mr, 2), "ratio": round(mc / mr, 3), "target": None, "met": None})

report = {"bench": "backup_bench", "machine": machine, "dataset": dataset, "ratios": ratios, "steps": steps,
          "notes": ["%d cores shared with other work; times move with the load (see load_before/after)" % machine["cores"],
                    "reference_dump: pg_dump -Fc -Z0 | zstd -3 -q > file, no fsync; citadel_backup: 3 sites, each fsynced and re-read",
                    "citadel_verify restores into a scratch database and compares a census; citadel_restore_beside makes a new tenant (database, role, key, file store) from the backup, census checked",
                    "peak RSS per process from /proc VmHWM sampled every 0.25 s; time -v's max RSS folds reaped children in"]}
with open(output, "w") as f:
    json.dump(report, f, indent=1)

def fmt_rss(kib):
    return "%.0f MiB" % (kib / 1024.0) if kib else "-"
p = print
p("Citadel tenant backup bench — %s, %d cores (shared with other work), %.0f GiB RAM; load %s before, %s after"
  % (machine["kernel"], machine["cores"], machine["mem_kib"] / MiB, machine["load_before"], machine["load_after"]))
p("data: %d rows; table %.0f MiB (with indexes %.0f MiB, database %.0f MiB); generated in %.0f s"
  % (dataset["rows"], dataset["table_bytes"] / MiB, dataset["table_with_indexes_bytes"] / MiB,
     dataset["database_bytes"] / MiB, dataset["generate_s"]))
p("")
p("%-34s %4s %9s %9s %9s %10s %10s %9s" % ("step", "run", "wall s", "user s", "sys s", "citadel RSS", "child RSS", "PG cpu s"))
for name in ("reference_dump", "citadel_backup", "baseline_backup", "reference_restore", "citadel_verify",
             "baseline_verify", "citadel_restore_beside", "baseline_restore_beside", "reference_restore_citadel_flags"):
    for run, e in sorted(steps.get(name, {}).items()):
        tv = e.get("time_v") or {}
        sp = (e.get("sampled") or {}).get("processes", {})
        child = max([sp.get(c, {}).get("peak_rss_kib", 0) for c in ("pg_dump", "pg_restore")])
        p("%-34s %4d %9.1f %9.1f %9.1f %10s %10s %9s" % (name, run, e.get("wall_s", 0), tv.get("user_s", 0), tv.get("sys_s", 0),
          fmt_rss(sp.get("citadel", {}).get("peak_rss_kib", 0)), fmt_rss(child),
          (e.get("sampled") or {}).get("postgres_cpu_s")))
p("")
for r in ratios:
    p("%-44s %7.1f s / %7.1f s = %5.2fx  %s" % (r["what"], r["citadel_s"], r["reference_s"], r["ratio"],
      ("target <= %.2fx: %s" % (r["target"], "met" if r["met"] else "NOT MET")) if r["target"] else "(information)"))
p("")
for name in ("reference_dump", "citadel_backup", "baseline_backup", "citadel_verify", "baseline_verify"):
    for run, e in sorted(steps.get(name, {}).items()):
        if name == "reference_dump":
            p("reference dump file: %.1f MiB" % (e.get("file_bytes", 0) / MiB))
        if name in ("citadel_backup", "baseline_backup") and e.get("copies"):
            p("backup %s: %.1f MiB; copies: %s" % (e.get("backup_id"), (e.get("size") or 0) / MiB,
              ", ".join("%s %.1f MiB" % (c["site"], (c["on_disk"] or c["size"]) / MiB) for c in e["copies"])))
        s = e.get("sampled") or {}
        if s.get("phases_s"):
            p("%s run %d, phases (s, from /proc samples):" % (name, run))
            for k, v in s["phases_s"].items():
                p("    %-62s %7.1f" % (k, v))
            cpu = ", ".join("%s %.1f" % (c, v["cpu_s"]) for c, v in s["processes"].items())
            p("    CPU s: %s, postgres %s, sshd %s" % (cpu, s.get("postgres_cpu_s"), s.get("sshd_cpu_s")))
        elif name != "reference_dump":
            pass
    if name == "reference_dump":
        for run, e in sorted(steps.get(name, {}).items()):
            s = e.get("sampled") or {}
            if s.get("processes"):
                cpu = ", ".join("%s %.1f" % (c, v["cpu_s"]) for c, v in s["processes"].items())
                p("reference_dump run %d CPU s: %s, postgres %s" % (run, cpu, s.get("postgres_cpu_s")))
p("")
p("JSON: %s" % output)
PY
"$py" "$out/report.py" "$out" "$output" "$(getconf CLK_TCK)" | tee "$out/report.txt"
echo "(files: $out)" >&2
