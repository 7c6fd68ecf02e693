"""Odoo's external API driven by a Node.js client library, odoo-await (pinned in
odoo_await/package-lock.json), against the real `citadel serve` over HTTPS.

The Python side owns the server (citadel_harness) and the npm install; the
assertions live in odoo_await/odoo_await.test.mjs (node's built-in test runner),
so they read as a Node.js user of odoo-await would write them. Missing node or
npm is a failure, not a skip: scripts/test installs them."""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from citadel_harness import CitadelServer
from readme_examples import pointed_at, readme_example

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_await")
LOCK = os.path.join(HERE, "package-lock.json")
# Tests marked todo in odoo_await.test.mjs: where Citadel answers otherwise than
# Odoo 18, asserted as Odoo answers and reported on every run until fixed.
# None today (read of a deleted id and unlink's external ids were the last two).
KNOWN_DIVERGENCES = set()
# Written after a successful `npm ci`: the lock it installed, so a changed lock
# (or a half-done install) installs again, and an unchanged one needs no network.
STAMP = os.path.join(HERE, "node_modules", ".citadel-lock-sha256")


def lock_digest():
    with open(LOCK, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def ensure_node_modules():
    try:
        with open(STAMP) as f:
            if f.read().strip() == lock_digest():
                return
    except OSError:
        pass
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=600)
    if done.returncode != 0:
        raise AssertionError("npm ci failed (%d):\n%s\n%s" % (done.returncode, done.stdout, done.stderr))
    with open(STAMP, "w") as f:
        f.write(lock_digest())


class OdooAwaitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("node", "npm"):
            if not shutil.which(tool):
                raise AssertionError("%s is missing: scripts/test installs it (scripts/lib/packages.sh)" % tool)
        ensure_node_modules()
        # The per-IP rate limit is the edge's business, not this test's.
        cls.server = CitadelServer(config_text='[limits]\nallow = ["127.0.0.0/8"]\n').start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def test_odoo_await_walks_through_the_external_api(self):
        banner = self.server.banner
        env = dict(os.environ, NODE_EXTRA_CA_CERTS=self.server.ca_path,
                   CITADEL_URL="https://localhost:%d" % self.server.https_port,
                   CITADEL_DB=banner["tenant"], CITADEL_LOGIN=banner["login"],
                   CITADEL_PASSWORD=banner["password"])
        # TAP whatever the terminal: its lines are read below.
        done = subprocess.run(["node", "--test-reporter=tap", "odoo_await.test.mjs"], cwd=HERE, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        report = "node exited %d\n--- stdout\n%s--- stderr\n%s--- citadel log (tail)\n%s" % (
            done.returncode, done.stdout, done.stderr, "".join(self.server.stderr_lines[-30:]))
        self.assertEqual(done.returncode, 0, report)
        # One "ok N - name" / "not ok N - name" line per test, then "# tests N",
        # "# skipped N"...: a file that ran nothing or skipped something must not
        # pass quietly, and a todo test (a known divergence) is named below.
        results = re.findall(r"^(ok|not ok) \d+ - (.*)$", done.stdout, re.M)
        tests = re.search(r"^# tests (\d+)$", done.stdout, re.M)
        self.assertEqual(len(results), int(tests.group(1)) if tests else -1, report)
        self.assertGreater(len(results), 10, report)
        self.assertRegex(done.stdout, r"(?m)^# skipped 0$", report)
        todo = {name.split(" # TODO")[0]: state for state, name in results if " # TODO" in name}
        self.assertEqual([name for state, name in results if state == "not ok" and " # TODO" not in name], [],
                         report)
        self.assertEqual(set(todo), KNOWN_DIVERGENCES, report)
        for name, state in sorted(todo.items()):
            print("known divergence from Odoo 18 (%s): %s" % (
                "still there" if state == "not ok" else "now fixed: drop its todo mark", name))
        print(done.stdout)

    def test_the_readmes_example_runs_as_written(self):
        banner = self.server.banner
        example = pointed_at(readme_example("js", "With the npm package `odoo-await`"),
                             "https://localhost:%d" % self.server.https_port, banner["tenant"], banner["login"])
        # Beside node_modules, so that `import Odoo from "odoo-await"` resolves
        # as in the user's project; removed after.
        with tempfile.TemporaryDirectory(dir=HERE, prefix=".readme-") as where:
            demo = os.path.join(where, "demo.mjs")
            with open(demo, "w") as f:
                f.write(example)
            env = dict(os.environ, NODE_EXTRA_CA_CERTS=self.server.ca_path, CITADEL_PASSWORD=banner["password"])
            done = subprocess.run(["node", demo], env=env, capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Kool Keith", done.stdout)
        self.assertIn("keith@example.com", done.stdout)


if __name__ == "__main__":
    unittest.main()
