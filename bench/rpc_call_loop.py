#!/usr/bin/env python3
"""rpc_call_loop.py - one workload's JSON-RPC calls, one after another, over one
keep-alive HTTPS connection; stdlib only. Used by bench/rpc_callgrind.sh to
count the instructions the server spends per call: the warm-up calls run
first (connection, TLS, caches), then --before runs (say, callgrind_control
-z), then the measured calls, then --after.

The calls are shaped as bench/rpc_api_wrk.lua shapes them: read (one id, five
fields), create (name, email, phone, city), search_count (two terms),
search_read (ilike, 80 rows), version (common.version, no database).
"""
import argparse
import http.client
import json
import random
import shlex
import ssl
import subprocess
import sys

CITIES = ["Brussels", "Paris", "Berlin", "Madrid", "Lisbon", "Rome", "Vienna", "Oslo"]  # as rpc_api_wrk.lua


def arguments(workload, i, rng, opts):
    if workload == "read":
        return "read", [[rng.randint(opts.min_id, opts.max_id)]], {"fields": ["name", "email", "phone", "city", "write_date"]}
    if workload == "create":
        name = f"Loop Partner{i}"
        return "create", [{"name": name, "email": f"loop{i}.{rng.randint(0, 10**9)}@example.com",
                           "phone": "+32 401 02 03 04", "city": rng.choice(CITIES)}], {}
    if workload == "search_count":
        return "search_count", [[["city", "=", rng.choice(CITIES)], ["name", "ilike", rng.choice(["an", "el", "or"])]]], {}
    if workload == "search_read":
        return "search_read", [[["name", "ilike", "a"]]], {"fields": ["name", "email", "phone", "city"], "limit": 80,
                                                             "offset": rng.randint(0, 200)}
    raise SystemExit(f"unknown workload {workload}")


def body(workload, i, rng, opts):
    if workload == "version":
        params = {"service": "common", "method": "version", "args": []}
    else:
        method, args, kwargs = arguments(workload, i, rng, opts)
        params = {"service": "object", "method": "execute_kw",
                  "args": [opts.db, opts.uid, opts.password, "res.partner", method, args, kwargs]}
    return json.dumps({"jsonrpc": "2.0", "method": "call", "id": i, "params": params})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cafile", required=True, help="the server's CA certificate")
    parser.add_argument("--db", required=True)
    parser.add_argument("--uid", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--workload", required=True, choices=["read", "create", "search_count", "search_read", "version"])
    parser.add_argument("--min-id", type=int, default=1, help="read picks ids in [min-id, max-id]")
    parser.add_argument("--max-id", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--before", default="", help="command run after the warm-up (shell words)")
    parser.add_argument("--after", default="", help="command run after the measured calls")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per call (callgrind is slow)")
    opts = parser.parse_args()
    if not (1 <= opts.calls <= 100_000 and 0 <= opts.warmup <= 100_000):
        raise SystemExit("--calls must be 1..100000 and --warmup 0..100000")
    rng = random.Random(16)
    context = ssl.create_default_context(cafile=opts.cafile)
    connection = http.client.HTTPSConnection(opts.host, opts.port, context=context, timeout=opts.timeout)
    headers = {"Content-Type": "application/json"}
    for i in range(opts.warmup + opts.calls):
        if i == opts.warmup and opts.before:
            subprocess.run(shlex.split(opts.before), check=True, stdout=subprocess.DEVNULL)
        connection.request("POST", "/jsonrpc", body(opts.workload, i, rng, opts), headers)
        answer = json.loads(connection.getresponse().read())
        if "error" in answer:
            raise SystemExit(f"call {i} failed: {json.dumps(answer['error'])[:400]}")
    if opts.after:
        subprocess.run(shlex.split(opts.after), check=True, stdout=subprocess.DEVNULL)
    print(f"{opts.workload}: {opts.calls} calls after {opts.warmup} warm-up calls")


if __name__ == "__main__":
    sys.exit(main())
