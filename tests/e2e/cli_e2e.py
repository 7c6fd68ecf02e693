"""The operator's command line: help, usage errors (exit 2), and tenant
commands both with and without a running server."""
import json
import os
import shutil
import unittest

from citadel_harness import CitadelServer, run_cli, short_tempdir


class CliUsageTest(unittest.TestCase):
    def test_every_subcommand_answers_help(self):
        for args in (["--help"], ["serve", "--help"], ["tenant", "--help"],
                     ["tenant", "create", "--help"], ["tenant", "list", "--help"],
                     ["tenant", "info", "--help"], ["tenant", "drop", "--help"]):
            out = run_cli(*args)
            self.assertEqual(out.returncode, 0, (args, out.stderr))
            self.assertIn("Usage", out.stdout)
            if len(args) > 2 or args[0] == "serve":
                self.assertIn("--data-dir", out.stdout, args)

    def test_usage_errors_exit_2_with_a_clear_message(self):
        for args in ([], ["bogus"], ["serve", "--https-port", "99999"], ["serve", "--nope"],
                     ["tenant"], ["tenant", "create"], ["tenant", "info"]):
            out = run_cli(*args)
            self.assertEqual(out.returncode, 2, (args, out.stdout, out.stderr))
            self.assertIn("citadel", out.stderr)


class TenantCommandsTest(unittest.TestCase):
    """Runs against a live server: the CLI shares its cluster and catalog."""

    @classmethod
    def setUpClass(cls):
        cls.server = CitadelServer().start()
        cls.data_dir = cls.server.data_dir

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def cli(self, *args, **kw):
        return run_cli(*args, data_dir=self.data_dir, **kw)

    def test_create_list_info_drop_while_serving(self):
        out = self.cli("tenant", "create", "acme-1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("acme-1", out.stdout)
        self.assertRegex(out.stdout, r"Password:\s+\S{16,}")

        listed = json.loads(self.cli("tenant", "list", "--json").stdout)
        names = [t["name"] for t in listed]
        self.assertIn("demo", names)
        self.assertIn("acme-1", names)
        acme = next(t for t in listed if t["name"] == "acme-1")
        self.assertRegex(acme["database"], r"^t_[a-z0-9]+$")
        self.assertNotIn("acme", acme["database"])
        for t in listed:
            self.assertNotIn("admin_password_hash", t)

        info = self.cli("tenant", "info", "acme-1", "--json")
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertEqual(json.loads(info.stdout)["state"], "active")

        dup = self.cli("tenant", "create", "acme-1")
        self.assertEqual(dup.returncode, 1)
        self.assertIn("already exists", dup.stderr)

        refused = self.cli("tenant", "drop", "acme-1")
        self.assertEqual(refused.returncode, 2, "drop without --yes and without a terminal must refuse")
        self.assertIn("--yes", refused.stderr)

        dropped = self.cli("tenant", "drop", "acme-1", "--yes")
        self.assertEqual(dropped.returncode, 0, dropped.stderr)
        names = [t["name"] for t in json.loads(self.cli("tenant", "list", "--json").stdout)]
        self.assertNotIn("acme-1", names)
        gone = self.cli("tenant", "info", "acme-1")
        self.assertEqual(gone.returncode, 1)
        self.assertIn("no tenant", gone.stderr.lower())

    def test_bad_names_are_refused_and_change_nothing(self):
        before = self.cli("tenant", "list", "--json").stdout
        for bad in ("Acme", "a b", "-x", "x-", "a" * 64, "www", "acme;drop", "ünï"):
            out = self.cli("tenant", "create", bad)
            self.assertEqual(out.returncode, 2, (bad, out.stdout, out.stderr))
            if not bad.startswith("-"):  # "-x" is taken for an option: still a usage error
                self.assertIn("tenant name", out.stderr.lower())
        self.assertEqual(self.cli("tenant", "list", "--json").stdout, before)

    def test_admin_password_file_is_used_and_never_printed(self):
        path = os.path.join(self.data_dir, "pw.txt")
        with open(path, "w") as f:
            f.write("a-long-enough-password-from-a-file\n")
        out = self.cli("tenant", "create", "filepw", "--admin-login", "boss",
                       "--admin-password-file", path)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertNotIn("a-long-enough-password-from-a-file", out.stdout + out.stderr)
        info = json.loads(self.cli("tenant", "info", "filepw", "--json").stdout)
        self.assertEqual(info["admin_login"], "boss")


class TenantCommandsWithoutServerTest(unittest.TestCase):
    def test_cli_starts_and_stops_the_embedded_cluster_itself(self):
        data_dir = short_tempdir("cit-cli-")
        try:
            out = run_cli("tenant", "create", "solo", data_dir=data_dir)
            self.assertEqual(out.returncode, 0, out.stderr)
            listed = json.loads(run_cli("tenant", "list", "--json", data_dir=data_dir).stdout)
            self.assertEqual([t["name"] for t in listed], ["solo"])
            pidfile = os.path.join(data_dir, "pg", "data", "postmaster.pid")
            self.assertFalse(os.path.exists(pidfile), "the CLI must stop the cluster it started")
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
