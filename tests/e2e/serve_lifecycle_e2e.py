"""The embedded default, end to end: first start, health, redirects, metrics,
restarts, and recovery after kill -9 of Citadel and of its PostgreSQL."""
import json
import os
import signal
import shutil
import subprocess
import unittest

from citadel_harness import CitadelServer, pid_alive, wait_until


class ServeLifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = CitadelServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def test_banner_prints_url_ca_and_demo_login_once(self):
        b = self.server.banner
        self.assertEqual(b.get("url"), "https://localhost:%d/" % self.server.https_port)
        self.assertEqual(b.get("ca"), self.server.ca_path)
        self.assertEqual(b.get("tenant"), "demo")
        self.assertEqual(b.get("login"), "admin")
        self.assertGreaterEqual(len(b.get("password", "")), 16)
        out = "".join(self.server.stdout_lines)
        self.assertIn("SSL_CERT_FILE=%s" % self.server.ca_path, out)
        self.assertIn("NODE_EXTRA_CA_CERTS=%s" % self.server.ca_path, out)

    def test_health_passes_over_https_with_security_headers(self):
        status, headers, body = self.server.https("GET", "/web/health")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"status": "pass"})
        hsts = headers.get("strict-transport-security", "")
        self.assertRegex(hsts, r"max-age=(\d+)")
        self.assertGreaterEqual(int(hsts.split("max-age=")[1].split(";")[0]), 180 * 86400)
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        self.assertEqual(headers.get("x-frame-options"), "DENY")
        self.assertIn("content-security-policy", headers)

    def test_curl_with_the_printed_ca_as_the_readme_says(self):
        out = subprocess.run(["curl", "-sS", "--cacert", self.server.ca_path,
                              "https://localhost:%d/web/health" % self.server.https_port],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout), {"status": "pass"})

    def test_plain_http_only_redirects(self):
        status, headers, _ = self.server.http_plain("GET", "/web/health?x=1", self.server.http_port,
                                                    headers={"Host": "localhost:%d" % self.server.http_port})
        self.assertEqual(status, 301)
        self.assertEqual(headers["location"], "https://localhost:%d/web/health?x=1" % self.server.https_port)
        status, headers, _ = self.server.http_plain("POST", "/jsonrpc", self.server.http_port,
                                                    headers={"Host": "evil.example/<script>"})
        self.assertEqual(status, 301)
        self.assertNotIn("evil", headers["location"])
        self.assertNotIn("<", headers["location"])

    def test_metrics_on_loopback_port(self):
        self.server.https("GET", "/web/health")
        status, _, body = self.server.http_plain("GET", "/metrics", self.server.metrics_port)
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertIn('citadel_http_requests_total{', text)
        self.assertIn('route="/web/health"', text)
        self.assertIn("citadel_http_request_duration_seconds_bucket", text)
        self.assertIn("citadel_http_open_connections", text)
        self.assertIn("citadel_postgres_up 1", text)
        self.assertIn("citadel_db_pool_connections", text)
        # The db worker pool's pacing (core/bounded_worker_pool.hpp): idle now.
        self.assertIn('citadel_db_worker_calls{state="waiting"} 0', text)
        self.assertIn("citadel_db_worker_calls_waited_longest_total", text)

    def test_postgres_listens_on_no_tcp_port_and_socket_dir_is_private(self):
        out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True).stdout
        pm = self.server.postmaster_pid()
        self.assertTrue(pid_alive(pm))
        self.assertNotIn("pid=%d," % pm, out)

    def test_unknown_route_is_404_json(self):
        status, headers, body = self.server.https("GET", "/no/such/page")
        self.assertEqual(status, 404)
        self.assertIn("strict-transport-security", headers)

    def test_logs_are_json_with_request_fields_and_no_password(self):
        self.server.https("GET", "/web/health")
        self.assertTrue(wait_until(lambda: any(r.get("route") == "/web/health"
                                                for r in self.server.log_records()), 5))
        rec = [r for r in self.server.log_records() if r.get("route") == "/web/health"][-1]
        for field in ("time", "level", "request_id", "status", "duration_ms"):
            self.assertIn(field, rec)
        password = self.server.banner["password"]
        self.assertNotIn(password, "".join(self.server.stderr_lines))

    def test_postgres_logs_hold_no_password(self):
        # Role passwords go to PostgreSQL only as SCRAM verifiers; the admin's
        # password never goes there at all.
        log_dir = os.path.join(self.server.data_dir, "pg", "log")
        text = ""
        for name in os.listdir(log_dir):
            with open(os.path.join(log_dir, name), errors="replace") as f:
                text += f.read()
        self.assertNotIn(self.server.banner["password"], text)
        self.assertNotRegex(text, r"(?i)password\s+'(?!SCRAM-SHA-256\$)")


class RestartAndRecoveryTest(unittest.TestCase):
    def setUp(self):
        self.server = CitadelServer()

    def tearDown(self):
        self.server.stop()
        pm = self.server.postmaster_pid()
        if pid_alive(pm):
            os.kill(pm, signal.SIGINT)
            wait_until(lambda: not pid_alive(pm), 30)
        shutil.rmtree(self.server.data_dir, ignore_errors=True)

    def healthy(self):
        status, _, body = self.server.https("GET", "/web/health")
        return status == 200 and json.loads(body) == {"status": "pass"}

    def test_sigterm_stops_postgres_and_second_start_reuses_everything(self):
        s = self.server.start()
        password = s.banner["password"]
        pm = s.postmaster_pid()
        version_file = os.path.join(s.data_dir, "pg", "data", "PG_VERSION")
        initdb_mtime = os.stat(version_file).st_mtime_ns
        with open(s.ca_path) as f:
            ca = f.read()
        self.assertEqual(s.stop(signal.SIGTERM), 0)
        self.assertTrue(wait_until(lambda: not pid_alive(pm), 10), "postgres outlived citadel")

        s.start()
        self.assertNotIn("password", s.banner, "a second start must not print a new password")
        self.assertEqual(os.stat(version_file).st_mtime_ns, initdb_mtime, "initdb ran again")
        with open(s.ca_path) as f:
            self.assertEqual(f.read(), ca, "a new CA was made")
        self.assertTrue(self.healthy())
        self.assertNotIn(password, "".join(s.stderr_lines))
        self.assertEqual(s.stop(signal.SIGINT), 0)

    def test_kill9_of_citadel_then_restart_adopts_or_stops_the_orphan(self):
        s = self.server.start()
        pm = s.postmaster_pid()
        s.kill9()
        self.assertTrue(pid_alive(pm), "the postmaster should outlive a kill -9 of Citadel")
        s.start()
        self.assertTrue(self.healthy())
        new_pm = s.postmaster_pid()
        self.assertTrue(pid_alive(new_pm))
        s.stop()
        self.assertTrue(wait_until(lambda: not pid_alive(new_pm) and not pid_alive(pm), 15))

    def test_kill9_of_both_is_recovered(self):
        s = self.server.start()
        pm = s.postmaster_pid()
        s.kill9()
        os.kill(pm, signal.SIGKILL)
        self.assertTrue(wait_until(lambda: not pid_alive(pm), 10))
        # Backends of the killed postmaster exit on their own once it is gone.
        s.start()
        self.assertTrue(self.healthy())

    def test_health_is_503_with_a_reason_while_postgres_is_frozen(self):
        s = self.server.start()
        pm = s.postmaster_pid()
        os.kill(pm, signal.SIGSTOP)
        try:
            status, _, body = s.https("GET", "/web/health")
            self.assertEqual(status, 503, body)
            reply = json.loads(body)
            self.assertEqual(reply["status"], "fail")
            self.assertTrue(reply.get("reason"))
        finally:
            os.kill(pm, signal.SIGCONT)
        self.assertTrue(wait_until(self.healthy, 20))

    def test_second_serve_on_the_same_data_dir_is_refused(self):
        s = self.server.start()
        other = CitadelServer(data_dir=s.data_dir)
        with self.assertRaises(AssertionError) as ctx:
            other.start(timeout=30)
        self.assertIn("already", str(ctx.exception))
        self.assertTrue(self.healthy())


if __name__ == "__main__":
    unittest.main()
