#!/usr/bin/python3
"""Disaster recovery of a big cluster (issue 8's target: `citadel dr rebuild`
of a 1 GiB cluster in at most 2 minutes), on this machine.

Starts a high-availability cluster (`citadel cluster init --ha` + `cluster
run`, two members, etcd, pgBackRest archiving to two encrypted repositories)
through the e2e harness, loads a database of invoice-like rows until it holds
the size asked, waits until every WAL segment of the load is archived, then
loses the whole site (every process killed, the members', etcd's and the other
repository's directories deleted) and times `citadel dr rebuild --from REPO`
until the cluster is ready, then checks the rows are all there.

The cluster's backup is taken at `cluster run`'s start, before the load: the
rebuild restores it and replays the load from archived WAL, the slower of the
two ways back (a backup taken after the load would replace the replay by a
copy). The time of the same data copied as files (`cp -r` of the leader's
data directory) is printed beside it as a reference measured in the same run.

Run it as root from a Release build: bench/ha_dr_bench.py [--size-mib N]
[--from repo1|repo2] [--citadel BIN]. It stops everything it started.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

PSQL = "/usr/lib/postgresql/15/bin/psql"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--size-mib", type=int, default=1024, help="database size to load (default 1024)")
    parser.add_argument("--from", dest="repo", choices=["repo1", "repo2"], default="repo1",
                        help="repository to rebuild from (default repo1, the local one)")
    parser.add_argument("--citadel", default=os.path.join(HERE, "..", "build", "citadel"),
                        help="the citadel binary (default build/citadel)")
    args = parser.parse_args()
    if not 1 <= args.size_mib <= 65536:
        parser.error("--size-mib must be between 1 and 65536")
    return args


def psql(cluster, member, database, sql, timeout=3600):
    import json
    with open(os.path.join(cluster.data_dir, "ha", "credentials.json")) as f:
        superuser = json.load(f)["superuser"]
    tls = os.path.join(cluster.data_dir, "ha", "tls", "ca.crt")
    env = dict(os.environ, PGPASSWORD=superuser["password"],
               PGSSLMODE="verify-full" if os.path.exists(tls) else "prefer", PGSSLROOTCERT=tls)
    out = subprocess.run([PSQL, "-h", member["host"], "-p", str(member["port"]), "-U", superuser["username"],
                          "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                         env=env, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise SystemExit("psql failed: %s" % out.stderr)
    return out.stdout.strip()


def main():
    args = parse_args()
    os.environ["CITADEL_BIN"] = os.path.abspath(args.citadel)
    from ha_cluster_harness import HaCluster
    from citadel_harness import wait_until

    cluster = HaCluster(mode="asynchronous", extra_config="archive_timeout = 10\n")
    try:
        cluster.init()
        cluster.start()
        status = cluster.wait_for_streaming(synchronous=False)
        leader = [m for m in status["members"] if m["role"] == "leader"][0]
        # Wait for the backups `cluster run` takes at start: the rebuild needs one.
        if not wait_until(lambda: all(r.get("backups") for r in (cluster.status() or {}).get("repositories", [{}])),
                          timeout=300, interval=2):
            raise SystemExit("no backup in the repositories:\n" + cluster.logs())

        rows = args.size_mib * 1024 * 1024 // 116  # ~116 bytes per row on disk (table and key), measured
        print("loading ~%d MiB (%d rows) into database 'bulk' on %s..." % (args.size_mib, rows, leader["name"]),
              flush=True)
        started = time.monotonic()
        psql(cluster, leader, "postgres", "CREATE DATABASE bulk")
        psql(cluster, leader, "bulk",
             "CREATE TABLE invoice_lines AS SELECT g AS id, g %% 50000 AS partner_id, g %% 977 AS product_id, "
             "(g %% 13) + 1 AS quantity, round((g %% 10000) / 7.0, 2) AS price_unit, "
             "date '2026-01-01' + (g %% 365) AS invoice_date, md5(g::text) AS note "
             "FROM generate_series(1, %d) g" % rows)
        psql(cluster, leader, "bulk", "ALTER TABLE invoice_lines ADD PRIMARY KEY (id)")
        size = int(psql(cluster, leader, "postgres", "SELECT sum(pg_database_size(datname)) FROM pg_database"))
        print("loaded in %.1f s; cluster size %.0f MiB" % (time.monotonic() - started, size / 1048576), flush=True)

        # Every segment of the load archived (the current one switched out first).
        current = psql(cluster, leader, "postgres", "SELECT pg_walfile_name(pg_switch_wal())")
        started = time.monotonic()
        if not wait_until(lambda: psql(cluster, leader, "postgres",
                                       "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") >= current,
                          timeout=1800, interval=2):
            raise SystemExit("the load's WAL was not archived:\n" + cluster.logs())
        print("WAL up to %s archived %.1f s after the load" % (current, time.monotonic() - started), flush=True)

        # The reference: the leader's data directory copied as files.
        index = int(leader["name"].split("-")[1])
        copy_to = os.path.join(cluster.data_dir, "reference-copy")
        started = time.monotonic()
        subprocess.run(["cp", "-r", os.path.join(cluster.member_dir(index), "data"), copy_to], check=True)
        subprocess.run(["sync"], check=True)
        reference = time.monotonic() - started
        shutil.rmtree(copy_to)

        # The site is lost.
        pids = cluster._our_leftovers()
        cluster.proc.kill()
        cluster.proc.wait(10)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_until(lambda: not cluster._our_leftovers(), timeout=20)
        ha = os.path.join(cluster.data_dir, "ha")
        for i in range(cluster.members):
            shutil.rmtree(os.path.join(ha, "member-%d" % i, "data"))
        shutil.rmtree(os.path.join(ha, "etcd"))
        other = "repo2" if args.repo == "repo1" else "repo1"
        shutil.rmtree(os.path.join(ha, "pgbackrest", other), ignore_errors=True)

        cluster.ready.clear()
        cluster.output.clear()
        started = time.monotonic()
        cluster.proc = subprocess.Popen(
            [args.citadel, "dr", "rebuild", "--from", args.repo, "--config", cluster.config_path,
             "--data-dir", cluster.data_dir],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=cluster._read_output, daemon=True).start()
        wait_until(lambda: cluster.ready.is_set() or cluster.proc.poll() is not None, timeout=3600, interval=0.2)
        if not cluster.ready.is_set():
            raise SystemExit("dr rebuild failed:\n%s\n%s" % ("".join(cluster.output[-30:]), cluster.logs(60)))
        rebuilt = time.monotonic() - started
        status = cluster.status()
        leader = [m for m in status["members"] if m["role"] == "leader"][0]
        count = int(psql(cluster, leader, "bulk", "SELECT count(*) FROM invoice_lines"))
        print("\n[ dr rebuild ] %.0f MiB cluster from %s: ready %.1f s after `dr rebuild` started "
              "(target 120 s: %s); %d of %d rows back; the data directory copied as files took %.1f s "
              "(%.1fx); %s" % (size / 1048576, args.repo, rebuilt, "met" if rebuilt <= 120 else "missed", count,
                              rows, reference, rebuilt / reference if reference else 0,
                              next((l.strip() for l in cluster.output if l.startswith("Rebuilding")), "")),
              flush=True)
        return 0 if count == rows else 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
