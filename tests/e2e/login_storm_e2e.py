"""A storm of logins cannot starve other users (issue 6, "Passwords"): 50
concurrent sign-ins with wrong passwords, each one PBKDF2-HMAC-SHA512 at the
production 600,000 rounds, while a signed-in user keeps calling execute_kw.
Their p99 latency must stay within 2x its idle p99 + 5 ms.

Run once, in the Release build only (./scripts/test runs e2e there, never
under the sanitizers). The storm runs in a process of its own, so the
measuring client shares no interpreter lock with it; each storm request comes
from its own loopback address and names an unknown login (a dummy hash costs
the same as a real one), so the throttles of sign_in_throttle_e2e never
refuse one before its hash is computed."""
import multiprocessing
import os
import ssl
import time
import xmlrpc.client

from citadel_harness import ApiServerTest

STORM = 50
IDLE_SECONDS = 8
MIN_STORM_CALLS = 50


def p99(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def storm_process(port, ca_path, db, results):
    """Fires STORM wrong-password sign-ins at once, from distinct sources."""
    import http.client
    import socket
    import threading

    answers = []
    lock = threading.Lock()
    body = xmlrpc.client.dumps((db, "storm-%d@example.com", "wrong password", {}), "authenticate")

    def one(i):
        ctx = ssl.create_default_context(cafile=ca_path)
        source = "127.0.1.%d" % (i + 1)
        sock = socket.create_connection(("127.0.0.1", port), 120, (source, 0))
        conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=120)
        conn.sock = ctx.wrap_socket(sock, server_hostname="localhost")
        try:
            conn.request("POST", "/xmlrpc/2/common", body=body.replace("%d", str(i)),
                         headers={"Content-Type": "text/xml"})
            reply = conn.getresponse().read()
            with lock:
                answers.append(xmlrpc.client.loads(reply)[0][0])
        finally:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(STORM)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((time.monotonic() - started, answers))


class LoginStormTest(ApiServerTest):
    # The measuring client (127.0.0.1) calls faster than the per-IP request
    # limit allows; the storm's sources stay under every limit. 50 hashes at
    # 600,000 rounds queue behind each other on 2 cores shared with the
    # measuring client and CI's other work: the last ones are answered 30 s or
    # more after they arrived, past the default handler deadline
    # (request_timeout_seconds, 30 s: a 504 is not what this test measures).
    CONFIG_TEXT = '[limits]\nallow = ["127.0.0.1/32"]\nrequest_timeout_seconds = 180\n'

    def timed_call(self, models):
        started = time.monotonic()
        models.execute_kw(self.db, self.uid, self.password, "res.partner", "search_count", [[]])
        return time.monotonic() - started

    def test_storm_of_wrong_logins_does_not_slow_another_user(self):
        # One keep-alive connection: the measured latency is the server's, not TLS set-up.
        models = self.proxy("/xmlrpc/2/object")
        for _ in range(20):
            self.timed_call(models)  # warm: credential cache, prepared statements
        # Thousands of calls over seconds, as during the storm, so that both
        # p99s see the same background (CTest runs this suite alone: RUN_SERIAL).
        idle, idle_end = [], time.monotonic() + IDLE_SECONDS
        while time.monotonic() < idle_end:
            idle.append(self.timed_call(models))
        started = time.monotonic()
        self.assertFalse(self.common.authenticate(self.db, "storm-alone@example.com", "wrong password", {}))
        one_hash = time.monotonic() - started

        results = multiprocessing.get_context("fork").Queue()
        storm = multiprocessing.get_context("fork").Process(
            target=storm_process, args=(self.server.https_port, self.server.ca_path, self.db, results))
        storm.start()
        loaded = []
        while storm.is_alive() or not loaded:
            loaded.append(self.timed_call(models))
            if not storm.is_alive() and len(loaded) >= MIN_STORM_CALLS:
                break
        storm_seconds, answers = results.get(timeout=300)
        storm.join(30)

        idle_p99, loaded_p99 = p99(idle) * 1000, p99(loaded) * 1000
        print("\n[ login storm ] %d wrong sign-ins at 600,000 rounds took %.2f s; another user's "
              "search_count p99: idle %.2f ms over %d calls, during the storm %.2f ms over %d calls "
              "(bound %.2f ms)" % (STORM, storm_seconds, idle_p99, len(idle), loaded_p99, len(loaded),
                                   2 * idle_p99 + 5))
        self.assertEqual(answers, [False] * STORM, "every storm sign-in is refused as a wrong password")
        cores = os.cpu_count() or 1
        self.assertGreaterEqual(storm_seconds, 0.5 * STORM * one_hash / cores,
                                "each storm sign-in must have cost its hash (%.3f s alone)" % one_hash)
        self.assertGreaterEqual(len(loaded), MIN_STORM_CALLS, "the storm must overlap the measured calls")
        self.assertLessEqual(loaded_p99, 2 * idle_p99 + 5)


if __name__ == "__main__":
    import unittest
    unittest.main()
