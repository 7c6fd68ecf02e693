"""A high-availability cluster for end-to-end tests: `citadel cluster init --ha`
writes etcd's and two Patroni members' configuration under a fresh data
directory, `citadel cluster run` starts etcd and the Patroni agents (each
starting its PostgreSQL 15) as the unprivileged service user on free loopback
ports, and stop() ends everything it started, by pid, even after a failure.

Port plan (docs/ha.md): base = etcd client, base+1 = etcd peer, base+10+i =
member i's PostgreSQL, base+20+i = member i's Patroni REST API.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time

from citadel_harness import CITADEL, pid_alive, port_free, run_cli, short_tempdir, wait_until


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


# Plans handed out to clusters still running, one file per base port holding
# the owner's pid: two suites building clusters at once (CI runs them side by
# side) never get overlapping plans, even before either has bound its ports.
_PLAN_DIR = "/tmp/citadel-ha-port-plans"
_PLAN_SPAN = 40


def _reserved_bases():
    bases = []
    for name in os.listdir(_PLAN_DIR):
        owner = _read_pid(os.path.join(_PLAN_DIR, name))
        if owner and pid_alive(owner):
            bases.append(int(name))
        else:
            try:
                os.unlink(os.path.join(_PLAN_DIR, name))
            except OSError:
                pass
    return bases


def free_port_plan(members):
    """A base port whose whole plan is free now and reserved for this
    process; release_port_plan(base) gives it back."""
    # Below Linux's ephemeral range (32768-60999 here): between this check
    # and the members binding, any outgoing connection on the machine could
    # otherwise be given a port of the plan.
    low, _ = _ephemeral_range()
    os.makedirs(_PLAN_DIR, mode=0o1777, exist_ok=True)
    for _ in range(200):
        base = random.randrange(10000, low - _PLAN_SPAN)
        if any(abs(base - other) < _PLAN_SPAN for other in _reserved_bases()):
            continue
        needed = [base, base + 1] + [base + 10 + i for i in range(members)] + [base + 20 + i for i in range(members)]
        if not all(port_free(p) for p in needed):
            continue
        try:
            fd = os.open(os.path.join(_PLAN_DIR, str(base)), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w") as f:
            f.write("%d\n" % os.getpid())
        # Another process may have reserved a near base between the two looks.
        if any(abs(base - other) < _PLAN_SPAN and other != base for other in _reserved_bases()):
            release_port_plan(base)
            continue
        return base
    raise AssertionError("no free port plan found")


def release_port_plan(base):
    try:
        os.unlink(os.path.join(_PLAN_DIR, str(base)))
    except OSError:
        pass


def _read_pid(path):
    try:
        with open(path) as f:
            return int(f.readline().strip())
    except (OSError, ValueError):
        return None


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


class HaCluster:
    def __init__(self, mode="synchronous", members=2, extra_config=""):
        self.data_dir = short_tempdir("cit-ha-")
        self.members = members
        self.base_port = free_port_plan(members)
        self.config_path = os.path.join(self.data_dir, "citadel.toml")
        with open(self.config_path, "w") as f:
            f.write('[cluster]\nha = true\nmode = "%s"\nmembers = %d\nbase_port = %d\n%s' % (
                mode, members, self.base_port, extra_config))
        os.chmod(self.config_path, 0o644)
        self.proc = None
        self.output = []
        self.ready = threading.Event()

    def member_dir(self, index):
        return os.path.join(self.data_dir, "ha", "member-%d" % index)

    def cli(self, *args, timeout=60):
        return run_cli(*args, "--config", self.config_path, "--data-dir", self.data_dir, timeout=timeout)

    def init(self):
        out = self.cli("cluster", "init", "--ha")
        if out.returncode != 0:
            raise AssertionError("cluster init failed: %s%s" % (out.stdout, out.stderr))
        return out

    def start(self, timeout=90):
        self.proc = subprocess.Popen(
            [CITADEL, "cluster", "run", "--config", self.config_path, "--data-dir", self.data_dir],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read_output, daemon=True).start()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.ready.wait(0.2):
                return self
            if self.proc.poll() is not None:
                break
        raise AssertionError("cluster not ready in %ss:\n%s\n%s" % (timeout, "".join(self.output[-40:]), self.logs()))

    def _read_output(self):
        for line in self.proc.stdout:
            self.output.append(line)
            if line.startswith("Citadel cluster is ready"):
                self.ready.set()

    def status(self):
        out = self.cli("cluster", "status", "--json", timeout=30)
        try:
            return json.loads(out.stdout)
        except ValueError:
            return None

    def wait_for_streaming(self, synchronous, timeout=90):
        """Waits for one leader and every other member streaming (the
        synchronous one when `synchronous`); returns the status."""
        seen = {}

        def healthy():
            status = self.status()
            seen["last"] = status
            if not status or not status.get("leader"):
                return False
            replicas = [m for m in status["members"] if m["role"] != "leader"]
            if len(replicas) != self.members - 1:
                return False
            for m in replicas:
                if m["replication"] != "streaming":
                    return False
                if synchronous and (m["role"] != "sync_standby" or m["sync_state"] != "sync"):
                    return False
            return True

        if not wait_until(healthy, timeout=timeout, interval=0.5):
            raise AssertionError("cluster not streaming: %s\n%s" % (json.dumps(seen.get("last"), indent=1), self.logs()))
        return seen["last"]

    def patroni_pid(self, index):
        return _read_pid(os.path.join(self.member_dir(index), "patroni.pid"))

    def postmaster_pid(self, index):
        return _read_pid(os.path.join(self.member_dir(index), "data", "postmaster.pid"))

    def failed_bootstraps(self, index):
        """["data.failed"] if Patroni moved member `index`'s data directory
        aside after a failed bootstrap (it keeps the last one only), else []."""
        return ["data.failed"] if os.path.isdir(os.path.join(self.member_dir(index), "data.failed")) else []

    def logs(self, lines=30):
        out = []
        names = ["etcd.log"]
        for i in range(self.members):
            names.append("member-%d/patroni.log" % i)
            # PostgreSQL's own log says why a standby does not stream; a
            # bootstrap that failed left it in data.failed (Patroni renames it).
            for data in self.failed_bootstraps(i) + ["data"]:
                log_dir = os.path.join(self.member_dir(i), data, "log")
                try:
                    names += ["member-%d/%s/log/%s" % (i, data, f) for f in sorted(os.listdir(log_dir))[-2:]]
                except OSError:
                    pass
        for name in names:
            path = os.path.join(self.data_dir, "ha", name)
            try:
                with open(path, errors="replace") as f:
                    out.append("--- %s\n%s" % (name, "".join(f.readlines()[-lines:])))
            except OSError:
                pass
        return "\n".join(out)

    def _our_leftovers(self):
        """Every process of this cluster still alive, found by its pid file and
        confirmed by its command line naming this data directory."""
        pids = []
        candidates = [_read_pid(os.path.join(self.data_dir, "ha", "etcd.pid"))]
        for i in range(self.members):
            candidates += [self.patroni_pid(i), self.postmaster_pid(i)]
        for pid in candidates:
            if pid and pid_alive(pid):
                # etcd and Patroni name their config, postgres its -D: all under data_dir.
                if self.data_dir in _cmdline(pid):
                    pids.append(pid)
        return pids

    def stop(self):
        """Stops the supervisor (which stops Patroni, PostgreSQL and etcd), then
        kills by pid whatever of ours is left, and removes the data directory."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc and self.proc.stdout:
            time.sleep(0.1)  # let the reader take the last lines
            try:
                self.proc.stdout.close()
            except (OSError, ValueError):
                pass
        for pid in self._our_leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_until(lambda: not self._our_leftovers(), timeout=10)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        release_port_plan(self.base_port)
