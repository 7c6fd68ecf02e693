#!/usr/bin/env python3
"""The table bench/rpc_api_bench.sh ends with, in Markdown so it can go into
docs/api.md as printed. Reads the bench's figures.jsonl and rpc_bench.py's
jsonl. The issue's targets are printed beside the figures, with a verdict, so a
reader sees what each number is held to without looking it up.

Usage: rpc_api_report.py FIGURES_JSONL RPC_BENCH_JSONL
"""
import json
import sys

# rpc_bench.py's measurement names for the four workloads.
RPC_BENCH = {"floor common.version": "version", "W-read search_read ilike limit80": "search_read", "W-get read 1 id 5 fields": "read",
             "W-write create 1": "create", "W-count search_count 2-term": "search_count"}
LABEL = {"version": "common.version (no database)", "search_read": "search_read, ilike, limit 80", "read": "read 1 id, 5 fields",
         "create": "create 1", "search_count": "search_count, 2 terms"}


def load(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def target(workload, c, wrk, ratio):
    """(text, met or None) for the issue's target on this row."""
    rps = wrk.get("rps") if wrk else None
    if workload in ("search_read", "search_count"):
        return "≥ 0.8× pgbench", None if ratio is None else ratio >= 0.8
    if workload == "read" and c == 8:
        return "≥ 10,000/s", None if rps is None else rps >= 10000
    if workload == "read" and c == 1:
        p50 = wrk.get("p50_ms") if wrk else None
        return "p50 ≤ 1 ms", None if p50 is None else p50 <= 1.0
    if workload == "create" and c == 8:
        return "≥ 3,000/s", None if rps is None else rps >= 3000
    return "", None


def number(x, digits=0):
    return "–" if x is None else "?" if x != x else f"{x:,.{digits}f}"


def print_cpu(wrk, pg, cores):
    """CPU milliseconds per call: which process a throughput figure is bound by.
    A window that claims more CPU than the machine has (a process that exited
    in it, its whole life's CPU landing there) is shown as '?'."""
    print()
    print("| CPU ms per call | c | Citadel (wrk) | PostgreSQL (wrk) | PostgreSQL (pgbench) |")
    print("| --- | --- | --- | --- | --- |")
    for workload in ("version", "search_read", "read", "search_count", "create"):
        for c in (1, 8):
            w, p = wrk.get((workload, c)), pg.get((workload, c))
            result = (w or {}).get("result") or {}
            requests, wrk_seconds = result.get("requests"), result.get("seconds")
            pg_seconds = p["transactions"] / p["tps"] if p and p.get("tps") and p.get("transactions") else None

            def per(cpu_s, n, seconds):
                if not n or cpu_s is None:
                    return None
                return float("nan") if seconds and cpu_s > 1.1 * cores * seconds else 1000.0 * cpu_s / n
            print(f"| {LABEL[workload]} | {c} "
                  f"| {number(per((w or {}).get('citadel_cpu_s'), requests, wrk_seconds), 2)} "
                  f"| {number(per((w or {}).get('pg_cpu_s'), requests, wrk_seconds), 2)} "
                  f"| {number(per((p or {}).get('pg_cpu_s'), (p or {}).get('transactions'), pg_seconds), 2)} |")


def print_ceilings(wrk, pg):
    """What this machine allows a read by id and a create at c=8, whatever the
    server does between HTTPS and PostgreSQL. The client, the server and
    PostgreSQL share the cores, so their CPU per call adds up: a call costs the
    machine at least what common.version costs it (wrk, TLS, HTTP, JSON-RPC;
    no database) plus what the call's own statements cost it, sent in one
    pipeline (pgbench, its client included)."""
    v = (wrk.get(("version", 8)) or {}).get("rps")
    for workload, goal in (("read", 10000), ("create", 3000)):
        pipelined = pg.get((workload + "_pipelined", 8))
        p = (pipelined or {}).get("tps")
        if not v or not p:
            continue
        ceiling = 1.0 / (1.0 / v + 1.0 / p)
        rps = (wrk.get((workload, 8)) or {}).get("rps")
        print()
        print(f"Ceiling of {LABEL[workload]} at c=8 on this machine: {number(ceiling)}/s "
              f"(common.version {number(v)}/s under wrk; the call's {pipelined['statements']} statements "
              f"in one pipeline {number(p)}/s under pgbench; 1 / (1/{number(v)} + 1/{number(p)})); "
              f"target {goal:,}/s; Citadel's {number(rps)}/s is {number(rps and rps / ceiling, 2)} of it.")


def main():
    figures, rpc = load(sys.argv[1]), load(sys.argv[2])
    wrk = {(r["workload"], r["concurrency"]): r["result"] for r in figures if r.get("tool") == "wrk"}
    pg = {(r["workload"], r["concurrency"]): r for r in figures if r.get("tool") == "pgbench"}
    rb = {(RPC_BENCH[r["bench"]], r["concurrency"]): r for r in rpc if r.get("bench") in RPC_BENCH}
    wrk_cpu = {(r["workload"], r["concurrency"]): r for r in figures if r.get("tool") == "wrk"}
    print("| workload | c | wrk req/s | wrk p50 / p99 ms | rpc_bench req/s (p50 ms) "
          "| pgbench tps (statements) | Citadel/pgbench | target | met |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for workload in ("version", "search_read", "read", "search_count", "create"):
        for c in (1, 8):
            w, p, r = wrk.get((workload, c)), pg.get((workload, c)), rb.get((workload, c))
            rps, tps = (w or {}).get("rps"), (p or {}).get("tps")
            ratio = rps / tps if rps and tps else None
            text, met = target(workload, c, w, ratio)
            errors = (w or {}).get("rpc_errors", 0) + (w or {}).get("socket_errors", 0)
            wrk_cell = number(rps) + (f" ({errors} errors)" if errors else "")
            lat = f"{number((w or {}).get('p50_ms'), 2)} / {number((w or {}).get('p99_ms'), 1)}"
            rb_cell = f"{number(r['rps'])} ({number(r['p50_ms'], 1)})" if r else "–"
            pg_cell = f"{number(tps)} ({p['statements']})" if p else "–"
            if p and p.get("error_lines"):
                pg_cell += " errors"
            verdict = "" if met is None else ("yes" if met else "no")
            print(f"| {LABEL[workload]} | {c} | {wrk_cell} | {lat} | {rb_cell} | {pg_cell} "
                  f"| {number(ratio, 2)} | {text} | {verdict} |")
    cores = next((r["cores"] for r in figures if "cores" in r), 2)
    print_cpu(wrk_cpu, pg, cores)
    print_ceilings(wrk, pg)
    rss = {r["rss"]: r["kib"] for r in figures if "rss" in r}
    idle = rss.get("idle")
    print()
    print(f"Citadel's RSS (VmRSS of its own process): idle {number(idle and idle / 1024, 1)} MiB "
          f"(target ≤ 40 MiB: {'yes' if idle and idle <= 40 * 1024 else 'no'}), "
          f"after the run {number(rss.get('after') and rss['after'] / 1024, 1)} MiB.")
    notes = {k: r[k] for r in figures for k in r
             if k in ("dataset", "machine", "load_before", "load_after", "waited_for_expiry_s", "verify_ms")}
    if "dataset" in notes:
        d = notes["dataset"]
        print(f"Dataset: {d['partners']:,} partners when wrk and pgbench start, "
              f"{d['ilike_a']:,} of them matching ilike 'a'.")
    if "machine" in notes:
        print(f"Machine: {notes['machine']}, load average {notes.get('load_before')} before, "
              f"{notes.get('load_after')} after.")
    if "verify_ms" in notes:
        print(f"Password re-verifications kept out of the wrk windows: {len(notes['verify_ms'])}, "
              f"each call {', '.join(map(str, notes['verify_ms']))} ms; "
              f"{notes['waited_for_expiry_s']:.0f} s spent waiting for them.")
    for r in rpc:
        if r.get("bench") == "auth_xmlrpc":
            print(f"authenticate (rpc_bench, XML-RPC, c=1): {number(r['rps'], 1)}/s, p50 {number(r['p50_ms'])} ms.")
        if r.get("bench") == "floor common.version":
            print(f"common.version (rpc_bench, c={r['concurrency']}): {number(r['rps'])}/s, "
                  f"p50 {number(r['p50_ms'], 2)} ms.")


if __name__ == "__main__":
    main()
