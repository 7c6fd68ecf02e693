# Sourced by the bench scripts: a `citadel serve` of their own on a fresh
# temporary data directory (loopback, free ports, its embedded PostgreSQL),
# stopped and removed when the script exits.
#
#   start_citadel_under_test BIN READY_SECONDS [WRAPPER ARGS...]
#
# runs a copy of BIN (so a rebuild during the run changes nothing), under
# WRAPPER if one is given (valgrind ...), and sets: data, port, url, tenant,
# login, password, ca, server_pid; exports SSL_CERT_FILE. Reads `out` (the
# server's stdout and stderr are copied there at exit) and `keep` (1: the
# data directory is kept).

server_pid=""
data=""

stop_citadel_under_test() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 600); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  [[ -n "$data" ]] || return 0
  cp "$data"/server.std* "${out:-/tmp}"/ 2>/dev/null || true
  if [[ ${keep:-0} -eq 1 ]]; then echo "data directory kept: $data" >&2; else rm -rf "$data"; fi
}

start_citadel_under_test() {
  local binary=$1 ready_seconds=$2
  shift 2
  data=$(mktemp -d /tmp/cbench-XXXXXX)  # short: the PostgreSQL socket path must fit 107 bytes
  chmod 755 "$data"                     # the unprivileged service user reaches its pg/ under it
  trap stop_citadel_under_test EXIT
  trap 'exit 130' INT TERM
  cp "$binary" "$data/citadel"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # The per-IP rate limit (50/s) would measure itself, not the API. Idle pool
  # connections are kept: one closing in a window would bring its whole
  # lifetime's CPU into that window's PostgreSQL figure (the postmaster's cutime).
  printf '[limits]\nallow = ["127.0.0.0/8"]\n[database]\npool_idle_seconds = 3600\n' >"$data/bench.toml"
  printf '\n== %s\n' "starting citadel serve on https://localhost:$port (data $data)" >&2
  "$@" "$data/citadel" serve --data-dir "$data" --config "$data/bench.toml" --listen 127.0.0.1 \
    --https-port "$port" --http-port 0 --metrics-port 0 >"$data/server.stdout" 2>"$data/server.stderr" </dev/null &
  server_pid=$!
  local tenths
  for ((tenths = 0; tenths < ready_seconds * 10; ++tenths)); do
    grep -q '^Citadel is ready' "$data/server.stdout" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$data/server.stderr" >&2; exit 1; }
    sleep 0.1
  done
  grep -q '^Citadel is ready' "$data/server.stdout" || { echo "error: not ready in $ready_seconds s" >&2; exit 1; }
  banner() { sed -n "s/^  $1: *//p" "$data/server.stdout" | head -1; }
  tenant=$(banner Tenant) login=$(banner Login) password=$(banner Password) ca=$(banner CA)
  url="https://localhost:$port"
  export SSL_CERT_FILE=$ca
}
