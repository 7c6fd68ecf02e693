"""Backups, end to end with the real binary: sites configured by the operator's
CLI, the daily backup that `citadel serve` takes by itself (caught up at
start), restore-verification, the metrics and `citadel backup status` that
watch it, the customer's plain .tar, and crypto-shredding on tenant drop.
The tenant admin's own backups (citadel.backup, GET /web/backup/<id>) are
checked on the same server: customer_backup_checks.py.
Also the refusals: paths, unpinned SFTP sites, a policy not met."""
import json
import os
import shutil
import ssl
import subprocess
import tarfile
import threading
import unittest
import xmlrpc.client

from citadel_harness import CITADEL, CitadelServer, run_cli, short_tempdir, wait_until
from customer_backup_checks import CustomerBackupChecks


class BackupCommandsTest(CustomerBackupChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_dir = short_tempdir("cit-bk-")
        cls.sites = os.path.join(cls.data_dir, "sites")
        cls.server = None
        cls.addClassCleanup(cls.cleanup)
        # Configured before the server starts: the CLI runs the embedded
        # cluster itself when no server holds the data directory.
        for name, region in (("near", "eu-west"), ("far", "us-east")):
            out = run_cli("site", "add", name, "--region", region, "--dir", os.path.join(cls.sites, name),
                          data_dir=cls.data_dir)
            assert out.returncode == 0, out.stderr
        out = run_cli("site", "policy", "--min-sites", "2", "--min-regions", "2", "--reason", "e2e: one machine",
                      data_dir=cls.data_dir)
        assert out.returncode == 0, out.stderr
        cls.server = CitadelServer(data_dir=cls.data_dir).start()

    @classmethod
    def cleanup(cls):
        if cls.server:
            cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def cli(self, *args, **kwargs):
        return run_cli(*args, data_dir=self.data_dir, **kwargs)

    def demo_backups(self):
        out = self.cli("backup", "list", "demo", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def verified_scheduled_backup(self):
        def ready():
            return any(b["kind"] == "scheduled" and b["verified_at"] for b in self.demo_backups())
        self.assertTrue(wait_until(ready, timeout=90, interval=1),
                        "no verified scheduled backup:\n" + "".join(self.server.stderr_lines[-20:]))
        return next(b for b in self.demo_backups() if b["kind"] == "scheduled")

    def test_the_server_backs_up_verifies_and_reports_by_itself(self):
        backup = self.verified_scheduled_backup()
        self.assertEqual(backup["state"], "complete")
        self.assertEqual(sorted(c["site"] for c in backup["copies"]), ["far", "near"])
        for copy in backup["copies"]:
            path = os.path.join(self.sites, copy["site"], copy["path"])
            self.assertEqual(os.path.getsize(path), copy["size"])
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"CITBKUP1")
        status, _, body = self.server.http_plain("GET", "/metrics", self.server.metrics_port)
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertIn('citadel_backup_verified_sites{tenant="demo"} 2', text)
        self.assertIn('citadel_backup_verified_age_seconds{tenant="demo"}', text)
        self.assertIn("citadel_backup_policy_lowered 1", text)
        self.assertIn("citadel_backup_policy_met 1", text)
        out = self.cli("backup", "status", "--json")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        status_json = json.loads(out.stdout)
        self.assertEqual(status_json["policy"]["lowered_reason"], "e2e: one machine")
        demo = next(t for t in status_json["tenants"] if t["tenant"] == "demo")
        self.assertFalse(demo["stale"])
        self.assertEqual(demo["verified_sites"], 2)

    def test_download_is_a_plain_tar_that_appears_only_when_complete(self):
        backup = self.verified_scheduled_backup()
        target = os.path.join(self.data_dir, "demo.tar")
        out = self.cli("backup", "download", backup["id"], "--output", target)
        self.assertEqual(out.returncode, 0, out.stderr)
        with tarfile.open(target) as tar:
            names = tar.getnames()
            self.assertIn("database.dump", names)
            self.assertIn("manifest.json", names)
            manifest = json.load(tar.extractfile("manifest.json"))
            self.assertEqual(tar.extractfile("database.dump").read(5), b"PGDMP")
        self.assertEqual(manifest["backup_id"], backup["id"])
        self.assertIn("public.res_partner", manifest["tables"])
        again = self.cli("backup", "download", backup["id"], "--output", target)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("never overwritten", again.stderr)
        missing = self.cli("backup", "download", "20990101t000000z-000000", "--output", target + "2")
        self.assertNotEqual(missing.returncode, 0)
        self.assertFalse(os.path.exists(target + "2"))
        self.assertFalse(os.path.exists(target + "2.partial"))

    def test_restore_beside_makes_a_new_tenant_that_answers_the_api(self):
        backup = self.verified_scheduled_backup()
        out = self.cli("backup", "restore", backup["id"], "--as", "demo-restored", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        restored = json.loads(out.stdout)
        self.assertEqual(restored["tenant"], "demo-restored")
        info = self.cli("tenant", "info", "demo-restored")
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("active", info.stdout)
        again = self.cli("backup", "restore", backup["id"], "--as", "demo-restored")
        self.assertNotEqual(again.returncode, 0)

    def test_dropping_a_tenant_shreds_every_backup_of_it(self):
        self.assertEqual(self.cli("tenant", "create", "leaving").returncode, 0)
        made = self.cli("backup", "create", "leaving", "--json")
        self.assertEqual(made.returncode, 0, made.stderr)
        backup_id = json.loads(made.stdout)["id"]
        self.assertEqual(self.cli("backup", "verify", backup_id).returncode, 0)
        final = os.path.join(self.data_dir, "leaving-final.tar")
        out = self.cli("tenant", "drop", "leaving", "--yes", "--final-backup", final)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("can no longer be read by anyone", out.stdout)
        # This data directory's cluster has no pgBackRest archive.
        self.assertIn("no other copy of its data remains", out.stdout)
        with tarfile.open(final) as tar:
            self.assertIn("database.dump", tar.getnames())
        verify = self.cli("backup", "verify", backup_id)
        self.assertNotEqual(verify.returncode, 0)
        self.assertIn("destroyed", verify.stderr)
        for site in ("near", "far"):
            keys = os.path.join(self.sites, site, "keys")
            self.assertFalse(any("leaving" in k for k in os.listdir(keys)))

    def demo_api(self):
        """(models proxy, execute) signed in as the demo tenant's admin."""
        b = self.server.banner
        ctx = ssl.create_default_context(cafile=self.server.ca_path)
        base = "https://localhost:%d" % self.server.https_port
        common = xmlrpc.client.ServerProxy(base + "/xmlrpc/2/common", context=ctx, allow_none=True)
        models = xmlrpc.client.ServerProxy(base + "/xmlrpc/2/object", context=ctx, allow_none=True)
        uid = common.authenticate(b["tenant"], b["login"], b["password"], {})
        self.assertTrue(uid)

        def execute(model, method, *args):
            return models.execute_kw(b["tenant"], uid, b["password"], model, method, list(args))
        return execute

    def test_restore_onto_live_replaces_what_the_running_server_serves(self):
        backup = self.verified_scheduled_backup()
        execute = self.demo_api()
        name = "Written after the backup"
        execute("res.partner", "create", {"name": name})
        self.assertEqual(execute("res.partner", "search_count", [["name", "=", name]]), 1)

        first = subprocess.Popen([CITADEL, "backup", "restore", "demo", backup["id"], "--onto-live", "--json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                 env=dict(os.environ, CITADEL_DATA_DIR=self.data_dir))
        first_err = []
        reader = threading.Thread(target=lambda: first_err.extend(first.stderr), daemon=True)
        reader.start()
        # Once the first holds the tenant's restore lock, a second is refused.
        self.assertTrue(wait_until(lambda: any("safety backup of" in l for l in first_err), timeout=60),
                        "".join(first_err))
        second = self.cli("backup", "restore", "demo", backup["id"], "--onto-live")
        self.assertNotEqual(second.returncode, 0)
        self.assertIn("another restore", second.stderr)
        out = first.stdout.read()  # stderr is the reader thread's
        first.wait(timeout=120)
        reader.join(10)
        first.stdout.close()
        first.stderr.close()
        self.assertEqual(first.returncode, 0, "".join(first_err))
        restored = json.loads(out)
        self.assertTrue(restored["ok"])
        self.assertTrue(restored["safety_backup_id"])
        self.assertTrue(any("switched in" in l for l in first_err), "".join(first_err))

        # The running server answers from the restored data.
        self.assertEqual(execute("res.partner", "search_count", [["name", "=", name]]), 0)
        kinds = {b["id"]: b["kind"] for b in self.demo_backups()}
        self.assertEqual(kinds[restored["safety_backup_id"]], "safety")

        # The safety backup holds what was replaced, and brings it back.
        back = self.cli("backup", "restore", "demo", restored["safety_backup_id"], "--onto-live")
        self.assertEqual(back.returncode, 0, back.stderr)
        self.assertEqual(execute("res.partner", "search_count", [["name", "=", name]]), 1)

    def test_a_restore_onto_live_that_fails_midway_leaves_the_tenant_as_it_was(self):
        self.verified_scheduled_backup()  # the server's own backup is not racing this one
        execute = self.demo_api()
        made = self.cli("backup", "create", "demo", "--json")
        self.assertEqual(made.returncode, 0, made.stderr)
        backup = json.loads(made.stdout)
        name = "Kept through a failed restore"
        execute("res.partner", "create", {"name": name})
        for copy in backup["copies"]:
            path = os.path.join(self.sites, copy["site"], copy["path"])
            os.chmod(path, 0o600)
            with open(path, "r+b") as f:
                f.seek(copy["size"] * 3 // 4)
                byte = f.read(1)
                f.seek(-1, os.SEEK_CUR)
                f.write(bytes([byte[0] ^ 0x20]))
        out = self.cli("backup", "restore", "demo", backup["id"], "--onto-live")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("the live tenant is as it was", out.stderr)
        self.assertEqual(execute("res.partner", "search_count", [["name", "=", name]]), 1)
        info = self.cli("tenant", "info", "demo")
        self.assertIn("active", info.stdout)
        # Another tenant's backup is refused before anything happens.
        self.assertEqual(self.cli("tenant", "create", "other").returncode, 0)
        refused = self.cli("backup", "restore", "other", backup["id"], "--onto-live")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("another tenant", refused.stderr)

    def test_keys_rotate_rewraps_every_key_and_old_backups_still_verify(self):
        backup = self.verified_scheduled_backup()
        key_file = os.path.join(self.data_dir, "master.key")
        with open(key_file) as f:
            old_key = f.read().strip()
        out = self.cli("keys", "rotate", "--json")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        rotation = json.loads(out.stdout)
        self.assertTrue(rotation["complete"])
        self.assertNotEqual(rotation["old_key_id"], rotation["new_key_id"])
        self.assertTrue(all(site["ok"] for site in rotation["pushed"] + rotation["cleaned"]))
        with open(key_file) as f:
            self.assertNotEqual(f.read().strip(), old_key)
        self.assertEqual(os.stat(key_file).st_mode & 0o777, 0o600)
        self.assertFalse(os.path.exists(key_file + ".next"))
        # The backup made before verifies with the new key; the old key opens nothing.
        verify = self.cli("backup", "verify", backup["id"])
        self.assertEqual(verify.returncode, 0, verify.stderr)
        old = self.cli("backup", "verify", backup["id"], env={"CITADEL_MASTER_KEY": old_key})
        self.assertNotEqual(old.returncode, 0)
        self.assertIn("wrapped by master key", old.stderr)
        # A running server loads the key at start: restarted, it backs up again.
        banner = dict(self.server.banner)  # the demo tenant is announced at its creation only
        self.server.stop()
        self.server.start()
        for key, value in banner.items():
            self.server.banner.setdefault(key, value)
        made = self.cli("backup", "create", "demo", "--json")
        self.assertEqual(made.returncode, 0, made.stderr)

        def monitored():
            status, _, body = self.server.http_plain("GET", "/metrics", self.server.metrics_port)
            return status == 200 and b'citadel_backup_verified_sites{tenant="demo"}' in body
        self.assertTrue(wait_until(monitored, timeout=30, interval=0.5))

    def test_bad_input_is_refused_with_a_clear_message(self):
        cases = [
            (["site", "add", "rel", "--region", "eu", "--dir", "relative/path"], "absolute"),
            (["site", "add", "Bad Name", "--region", "eu", "--dir", "/tmp/x"], "site name"),
            (["site", "add", "nokey", "--region", "eu", "--sftp", "backup@127.0.0.1:22/srv", "--private-key",
              "/tmp/k"], "host key"),
            (["site", "add", "v6", "--region", "eu", "--sftp", "backup@::1/srv", "--host-key", "ssh-ed25519 AAAA",
              "--private-key", "/tmp/k"], "brackets"),
            (["site", "policy", "--min-sites", "1"], "--reason"),
            (["backup", "verify", "../../etc/passwd"], "no backup"),
            (["backup", "create", "no-such-tenant"], "no-such-tenant"),
        ]
        for args, expected in cases:
            out = self.cli(*args)
            self.assertNotEqual(out.returncode, 0, args)
            self.assertIn(expected, out.stderr, (args, out.stderr))
        for args in (["site", "--help"], ["site", "add", "--help"], ["backup", "--help"],
                     ["backup", "download", "--help"], ["backup", "restore", "--help"], ["backup", "status", "--help"], ["keys", "init", "--help"]):
            out = self.cli(*args)
            self.assertEqual(out.returncode, 0, args)
            self.assertIn("Usage", out.stdout)


if __name__ == "__main__":
    unittest.main()
