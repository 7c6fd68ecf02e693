"""Starts the real `citadel` binary for end-to-end tests and talks to it over HTTPS.

Each CitadelServer owns a data directory and free ports of its own, so tests run
in parallel. It reads the start-up banner from stdout (URL, CA path, demo login)
and keeps stderr (the JSON log) for assertions that no secret was logged.
"""
import fcntl
import json
import os
import random
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import http.client
import shutil
import unittest
import xmlrpc.client

CITADEL = os.environ.get("CITADEL_BIN", os.path.join(os.path.dirname(__file__), "../../build/citadel"))


def port_free(port):
    """Whether a loopback port can be bound now."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# Ports handed out and not yet bound (a server binds its ports seconds later,
# after initdb): the kernel's port 0 would give one from Linux's ephemeral
# range (32768-60999), where any outgoing connection on the machine, such as
# another suite's clients, may take it meanwhile ("Address already in use").
# So ports come from below 10000 (the HA harness plans from 10000 up), each
# reserved by an flock on a file named after it: the lock lasts as long as
# this process, ends with it even on a crash, and keeps suites running side
# by side, and this process's own servers, from being given the same port.
_PORT_DIR = "/tmp/citadel-e2e-ports"
_PORT_RANGE = (4000, 10000)
_KNOWN_PORTS = {5432, 8080, 8443, 9464}  # PostgreSQL's and ./scripts/run's defaults
_reserved_ports = []  # descriptors holding the locks


def free_port():
    """A loopback port free now and reserved for this process while it lives."""
    if not os.path.isdir(_PORT_DIR):
        os.makedirs(_PORT_DIR, exist_ok=True)
        try:
            os.chmod(_PORT_DIR, 0o1777)  # makedirs' mode goes through the umask; any user's suites share it
        except OSError:
            pass  # another user made it meanwhile
    for _ in range(1000):
        port = random.randrange(*_PORT_RANGE)
        if port in _KNOWN_PORTS:
            continue
        try:
            fd = os.open(os.path.join(_PORT_DIR, str(port)), os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError:  # another user's reservation file
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        if not port_free(port):
            os.close(fd)  # and with it the lock
            continue
        _reserved_ports.append(fd)
        return port
    raise AssertionError("no free port found in %d-%d" % _PORT_RANGE)


def short_tempdir(prefix):
    # Short, so the PostgreSQL socket path fits in 107 bytes; world-traversable,
    # so the unprivileged service user can reach its files under it.
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(path, 0o755)
    return path


def run_cli(*args, data_dir=None, env=None, input_text=None, timeout=120):
    """Runs `citadel args...`; returns CompletedProcess (text)."""
    full_env = dict(os.environ)
    if data_dir:
        full_env["CITADEL_DATA_DIR"] = data_dir
    full_env.update(env or {})
    return subprocess.run([CITADEL, *args], capture_output=True, text=True, env=full_env,
                          input=input_text, stdin=None if input_text is not None else subprocess.DEVNULL,
                          timeout=timeout)


class CitadelServer:
    def __init__(self, data_dir=None, extra_args=(), config_text=None):
        self.data_dir = data_dir or short_tempdir("cit-e2e-")
        self.https_port = free_port()
        self.http_port = free_port()
        self.metrics_port = free_port()
        self.extra_args = list(extra_args)
        self.config_text = config_text
        self.proc = None
        self.stdout_lines = []
        self.stderr_lines = []
        self.banner = {}

    # -- lifecycle ---------------------------------------------------------
    def start(self, timeout=90):
        args = [CITADEL, "serve", "--data-dir", self.data_dir, "--https-port", str(self.https_port),
                "--http-port", str(self.http_port), "--metrics-port", str(self.metrics_port)]
        if self.config_text is not None:
            path = os.path.join(self.data_dir, "e2e.toml")
            with open(path, "w") as f:
                f.write(self.config_text)
            args += ["--config", path]
        args += self.extra_args
        self.stdout_lines, self.stderr_lines, self.banner = [], [], {}
        self.ready = threading.Event()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.ready.wait(0.2):
                return self
            if self.proc.poll() is not None:
                time.sleep(0.3)
                raise AssertionError("citadel serve exited with %s:\n%s\n%s" % (
                    self.proc.returncode, "".join(self.stdout_lines), "".join(self.stderr_lines[-40:])))
        raise AssertionError("citadel serve not ready in %ss:\n%s" % (timeout, "".join(self.stderr_lines[-40:])))

    def _read_stdout(self):
        for line in self.proc.stdout:
            self.stdout_lines.append(line)
            m = re.match(r"\s*([A-Za-z ]+):\s+(.*\S)\s*$", line)
            if m:
                self.banner.setdefault(m.group(1).strip().lower(), m.group(2))
            if line.startswith("Citadel is ready"):
                self.ready.set()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout)
        self._close_pipes()
        return self.proc.returncode if self.proc else None

    def _close_pipes(self):
        time.sleep(0.1)  # let the reader threads take the last lines
        for pipe in (self.proc.stdout, self.proc.stderr) if self.proc else ():
            try:
                pipe.close()
            except (OSError, ValueError):
                pass

    def kill9(self):
        self.proc.kill()
        self.proc.wait(10)
        self._close_pipes()

    def log_records(self):
        out = []
        for line in self.stderr_lines:
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    # -- talking to it -----------------------------------------------------
    @property
    def ca_path(self):
        return os.path.join(self.data_dir, "tls", "ca.crt")

    def tls_context(self):
        ctx = ssl.create_default_context(cafile=self.ca_path)
        return ctx

    def https(self, method, path, body=None, headers=None, source="127.0.0.1"):
        """One request on a fresh TLS connection from `source`, verifying the
        certificate for "localhost" against the local CA. Returns (status, headers, body)."""
        ctx = self.tls_context()
        sock = socket.create_connection(("127.0.0.1", self.https_port), 30, (source, 0))
        conn = http.client.HTTPSConnection("localhost", self.https_port, context=ctx, timeout=30)
        conn.sock = ctx.wrap_socket(sock, server_hostname="localhost")
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), data
        finally:
            conn.close()

    def http_plain(self, method, path, port, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), data
        finally:
            conn.close()

    def psql(self, database, sql):
        """`sql`'s output (unaligned, tuples only) on the embedded cluster's
        `database`, as its superuser through the private socket directory."""
        out = subprocess.run(
            ["psql", "host=%s port=5432 user=citadel dbname=%s" % (os.path.join(self.data_dir, "run"), database),
             "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("psql: " + out.stderr)
        return out.stdout.strip()

    def database_of(self, tenant):
        """The PostgreSQL database of an active tenant, from the catalog."""
        return self.psql("citadel_catalog",
                         "SELECT db_name FROM tenants WHERE name = '%s' AND state = 'active'" % tenant)

    def postmaster_pid(self):
        pidfile = os.path.join(self.data_dir, "pg", "data", "postmaster.pid")
        try:
            with open(pidfile) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None


def pid_alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive for our purposes.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(predicate, timeout=30, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


class ApiServerTest(unittest.TestCase):
    """A test class with one `citadel serve` for all its tests, signed in over
    XML-RPC as the demo tenant's admin: server, db, login, password, base (the
    HTTPS URL), ctx (trusting the local CA), common and models (XML-RPC
    proxies), uid. Subclasses set CONFIG_TEXT (a TOML config, or None)."""
    CONFIG_TEXT = None

    @classmethod
    def setUpClass(cls):
        cls.server = CitadelServer(config_text=cls.CONFIG_TEXT).start()
        # Runs even when the rest of setUpClass fails (tearDownClass would not).
        cls.addClassCleanup(cls.stop_server)
        b = cls.server.banner
        cls.db, cls.login, cls.password = b["tenant"], b["login"], b["password"]
        cls.base = "https://localhost:%d" % cls.server.https_port
        cls.ctx = ssl.create_default_context(cafile=cls.server.ca_path)
        cls.common = cls.proxy("/xmlrpc/2/common")
        cls.models = cls.proxy("/xmlrpc/2/object")
        cls.uid = cls.common.authenticate(cls.db, cls.login, cls.password, {})

    @classmethod
    def stop_server(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    @classmethod
    def proxy(cls, path):
        return xmlrpc.client.ServerProxy(cls.base + path, context=cls.ctx, allow_none=True)
