"""The tenant admin's own backups (issue 7), end to end with the real binary:
citadel.backup over XML-RPC (create, list, download link, restore onto live,
restore beside refused) and GET /web/backup/<id>, the plain .tar decrypted and
streamed, whole or by Range, with a download token or the web session of an
admin. And the attacks: another tenant's admin, a user who is no admin, a
forged token, a token for another backup, no credentials at all.

A mixin of backup_e2e.BackupCommandsTest: its server and sites serve these
too (a suite of its own would spend 15 s on another cluster). The fixtures
(a second tenant "rival", a backup asked for through the API) are made once,
by the first check that needs them; every wait is bounded."""
import json
import io
import os
import re
import ssl
import tarfile
import urllib.error
import urllib.request
import xmlrpc.client

from citadel_harness import wait_until

RIVAL_PASSWORD = "rival-admin-pw-9417"


class CustomerBackupChecks:
    """Needs self.server (a running CitadelServer whose sites meet the
    policy), self.cli and self.data_dir."""
    _customer = None

    def customer(self):
        """Signs in the demo admin and the rival's; makes the demo backup once."""
        if CustomerBackupChecks._customer is None:
            password_file = os.path.join(self.data_dir, "rival-password")
            with open(password_file, "w") as f:
                f.write(RIVAL_PASSWORD)
            out = self.cli("tenant", "create", "rival", "--admin-password-file", password_file)
            self.assertEqual(out.returncode, 0, out.stderr)
            CustomerBackupChecks._customer = {}
        fixtures = CustomerBackupChecks._customer
        b = self.server.banner
        self.db, self.login, self.password = b["tenant"], b["login"], b["password"]
        self.base = "https://localhost:%d" % self.server.https_port
        self.ctx = ssl.create_default_context(cafile=self.server.ca_path)
        common = xmlrpc.client.ServerProxy(self.base + "/xmlrpc/2/common", context=self.ctx, allow_none=True)
        self.models = xmlrpc.client.ServerProxy(self.base + "/xmlrpc/2/object", context=self.ctx, allow_none=True)
        self.uid = common.authenticate(self.db, self.login, self.password, {})
        self.other = ("rival", common.authenticate("rival", "admin", RIVAL_PASSWORD, {}), RIVAL_PASSWORD)
        self.assertTrue(self.uid and self.other[1])
        if "backup" not in fixtures:
            fixtures["backup"] = self.make_backup(self.demo())
        self.backup_id = fixtures["backup"]

    # -- helpers -------------------------------------------------------------
    def backups(self, who, method, *args):
        db, uid, password = who
        return self.models.execute_kw(db, uid, password, "citadel.backup", method, list(args), {})

    def make_backup(self, who):
        backup_id = self.backups(who, "create_backup")
        self.assertRegex(backup_id, r"^\d{8}t\d{6}z-[0-9a-f]{6}$")

        def state():
            rows = [b for b in self.backups(who, "list_backups") if b["id"] == backup_id]
            return rows[0]["state"] if rows else None
        self.assertTrue(wait_until(lambda: state() in ("complete", "failed"), timeout=60, interval=0.3), state())
        self.assertEqual(state(), "complete", "".join(self.server.stderr_lines[-20:]))
        return backup_id

    def demo(self):
        return (self.db, self.uid, self.password)

    def fetch(self, path, headers=None):
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

    def session(self, db, login, password):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"db": db, "login": login, "password": password}}).encode()
        req = urllib.request.Request(self.base + "/web/session/authenticate", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            cookie = resp.headers.get("Set-Cookie") or ""
        m = re.match(r"session_id=([0-9a-f]{64});", cookie)
        self.assertTrue(m, cookie)
        return {"Cookie": "session_id=" + m.group(1)}

    def assertFault(self, call, *words):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            call()
        for word in words:
            self.assertIn(word, caught.exception.faultString)
        return caught.exception.faultString

    # -- the API -------------------------------------------------------------
    def test_customer_list_shows_the_backup_with_its_sites_and_size(self):
        self.customer()
        rows = {b["id"]: b for b in self.backups(self.demo(), "list_backups")}
        backup = rows[self.backup_id]
        self.assertEqual(backup["kind"], "manual")
        self.assertIn("near", backup["sites"])
        self.assertGreater(backup["size"], 0)
        self.assertFalse(backup["verified"])
        self.assertRegex(backup["time"], r"^\d{4}-\d\d-\d\dT")

    def test_customer_the_download_is_the_plain_tar_and_ranges_are_its_bytes(self):
        self.customer()
        link = self.backups(self.demo(), "download_link", self.backup_id)
        self.assertTrue(link["url"].startswith("/web/backup/%s?token=" % self.backup_id), link)
        status, headers, whole = self.fetch(link["url"])
        self.assertEqual(status, 200)
        self.assertEqual(int(headers["content-length"]), len(whole))
        self.assertEqual(len(whole), link["size"])
        self.assertEqual(headers["content-type"], "application/x-tar")
        self.assertEqual(headers["accept-ranges"], "bytes")
        with tarfile.open(fileobj=io.BytesIO(whole)) as tar:
            self.assertEqual(tar.extractfile("database.dump").read(5), b"PGDMP")
            manifest = json.load(tar.extractfile("manifest.json"))
        self.assertEqual(manifest["backup_id"], self.backup_id)
        size = len(whole)
        for spec, first, last in (("0-99", 0, 99), ("1000-", 1000, size - 1), ("-77", size - 77, size - 1),
                                  ("%d-%d" % (size // 2, size // 2 + 70000), size // 2, size // 2 + 70000),
                                  ("5-%d" % (size * 2), 5, size - 1)):
            status, headers, part = self.fetch(link["url"], {"Range": "bytes=" + spec})
            self.assertEqual(status, 206, spec)
            self.assertEqual(headers["content-range"], "bytes %d-%d/%d" % (first, last, size), spec)
            self.assertEqual(part, whole[first:last + 1], spec)
        status, headers, _ = self.fetch(link["url"], {"Range": "bytes=%d-" % size})
        self.assertEqual(status, 416)
        self.assertEqual(headers["content-range"], "bytes */%d" % size)
        # The same bytes every time: a resumed download joins up.
        status, _, again = self.fetch(link["url"])
        self.assertEqual(again, whole)

    def test_customer_an_admin_signed_in_on_the_web_downloads_without_a_token(self):
        self.customer()
        cookie = self.session(self.db, self.login, self.password)
        status, headers, body = self.fetch("/web/backup/" + self.backup_id, cookie)
        self.assertEqual(status, 200)
        self.assertEqual(int(headers["content-length"]), len(body))
        self.assertEqual(body[257:262], b"ustar")

    def test_customer_another_tenants_admin_can_neither_see_nor_download_nor_restore_it(self):
        self.customer()
        listed = [b["id"] for b in self.backups(self.other, "list_backups")]
        self.assertNotIn(self.backup_id, listed)
        for method, args in (("download_link", [self.backup_id]), ("restore_onto_live", [self.backup_id]),
                             ("restore_beside", [self.backup_id, "other-copy"])):
            text = self.assertFault(lambda: self.backups(self.other, method, *args), "does not exist")
            self.assertNotIn(self.db, text)
        cookie = self.session("rival", "admin", RIVAL_PASSWORD)
        status, _, body = self.fetch("/web/backup/" + self.backup_id, cookie)
        self.assertEqual(status, 404)
        self.assertNotIn(b"PGDMP", body)
        # Their own link opens only their own backup.
        other_backup = self.make_backup(self.other)
        link = self.backups(self.other, "download_link", other_backup)
        token = link["url"].split("token=")[1]
        status, _, _ = self.fetch("/web/backup/%s?token=%s" % (self.backup_id, token))
        self.assertEqual(status, 403)
        self.assertEqual(self.fetch(link["url"], {"Range": "bytes=0-0"})[0], 206)

    def test_customer_a_user_who_is_not_admin_is_refused(self):
        self.customer()
        group = self.models.execute_kw(self.db, self.uid, self.password, "ir.model.data", "search_read",
                                       [[("module", "=", "base"), ("name", "=", "group_user")]], {"fields": ["res_id"]})
        clerk = self.models.execute_kw(self.db, self.uid, self.password, "res.users", "create",
                                       [{"name": "Clerk", "login": "clerk-backup", "password": "clerk-pw-5521-x",
                                         "groups_id": [(6, 0, [group[0]["res_id"]])]}], {})
        who = (self.db, clerk, "clerk-pw-5521-x")
        for method, args in (("list_backups", []), ("create_backup", []), ("download_link", [self.backup_id]),
                             ("restore_onto_live", [self.backup_id])):
            self.assertFault(lambda: self.backups(who, method, *args), "You are not allowed to", "(citadel.backup)")
        cookie = self.session(self.db, "clerk-backup", "clerk-pw-5521-x")
        self.assertEqual(self.fetch("/web/backup/" + self.backup_id, cookie)[0], 403)

    def test_customer_forged_missing_and_foreign_tokens_are_refused(self):
        self.customer()
        link = self.backups(self.demo(), "download_link", self.backup_id)
        token = link["url"].split("token=")[1]
        uid, expires, nonce, mac = token.split(".")
        forged = [".".join([uid, expires, nonce, ("0" if mac[0] != "0" else "1") + mac[1:]]),
                  ".".join([uid, str(int(expires) + 3600), nonce, mac]),  # a later expiry breaks the MAC
                  ".".join([uid, "1", nonce, mac]),                       # long expired
                  token[:-1], "x" * 500, ""]
        for bad in forged:
            status, _, body = self.fetch("/web/backup/%s?token=%s" % (self.backup_id, bad))
            self.assertEqual(status, 403, bad)
            self.assertNotIn(b"PGDMP", body)
        self.assertEqual(self.fetch("/web/backup/20990101t000000z-000000?token=" + token)[0], 404)
        self.assertEqual(self.fetch("/web/backup/..%2Fetc?token=" + token)[0], 404)

    def test_customer_restore_beside_is_for_the_operator(self):
        self.customer()
        self.assertFault(lambda: self.backups(self.demo(), "restore_beside", self.backup_id, self.db + "-copy"),
                         "hosting provider", "citadel backup restore")
        self.assertFault(lambda: self.backups(self.demo(), "download_link", "a" * 200), "Invalid backup_id")

    def test_customer_restore_onto_live_through_the_api(self):
        self.customer()
        # A partner made after the backup is gone once it is restored.
        partner = self.models.execute_kw(self.db, self.uid, self.password, "res.partner", "create",
                                         [{"name": "After the backup"}], {})
        self.assertTrue(self.backups(self.demo(), "restore_onto_live", self.backup_id))
        self.assertFault(lambda: self.backups(self.demo(), "create_backup"), "already queued or running")

        def done():
            return any("restore onto live asked for through the API" in line for line in self.server.stderr_lines)
        self.assertTrue(wait_until(done, timeout=90, interval=0.3), "".join(self.server.stderr_lines[-20:]))
        self.assertTrue(any("asked for through the API done" in line and "restore onto live" in line
                            for line in self.server.stderr_lines), "".join(self.server.stderr_lines[-20:]))
        found = self.models.execute_kw(self.db, self.uid, self.password, "res.partner", "search",
                                       [[("id", "=", partner)]], {})
        self.assertEqual(found, [])
        kinds = [b["kind"] for b in self.backups(self.demo(), "list_backups")]
        self.assertIn("safety", kinds)

