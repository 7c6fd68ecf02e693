"""`--pg-dsn`: a server that runs no PostgreSQL of its own and provisions
tenants on an operator's cluster. The "external" cluster here is another
Citadel's embedded one, reached through its socket as its superuser."""
import json
import os
import shutil
import unittest

from citadel_harness import CitadelServer, run_cli


DSN_SECRET = "dsn-secret-that-must-not-be-logged"


class ExternalClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.owner = CitadelServer().start()  # runs the cluster
        # Peer authentication ignores the password; it is there to show it is never logged.
        dsn = "host=%s port=5432 user=citadel dbname=postgres password=%s" % (
            os.path.join(cls.owner.data_dir, "run"), DSN_SECRET)
        cls.dsn = dsn
        cls.server = CitadelServer(extra_args=["--pg-dsn", dsn]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.owner.stop()
        for s in (cls.server, cls.owner):
            shutil.rmtree(s.data_dir, ignore_errors=True)

    def test_no_postgres_of_its_own_and_healthy(self):
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "pg")))
        status, _, body = self.server.https("GET", "/web/health")
        self.assertEqual((status, json.loads(body)), (200, {"status": "pass"}))

    def test_tenant_commands_go_to_the_external_cluster(self):
        out = run_cli("tenant", "create", "ext-one", "--pg-dsn", self.dsn, data_dir=self.server.data_dir)
        self.assertEqual(out.returncode, 0, out.stderr)
        listed = run_cli("tenant", "list", "--json", "--pg-dsn", self.dsn, data_dir=self.server.data_dir)
        self.assertIn("ext-one", [t["name"] for t in json.loads(listed.stdout)])
        # The same catalog, seen through the cluster's owner.
        seen = run_cli("tenant", "info", "ext-one", "--json", data_dir=self.owner.data_dir)
        self.assertEqual(seen.returncode, 0, seen.stderr)

    def test_the_dsn_never_reaches_the_log(self):
        self.server.https("GET", "/web/health")
        self.assertNotIn(DSN_SECRET, "".join(self.server.stderr_lines))


if __name__ == "__main__":
    unittest.main()
