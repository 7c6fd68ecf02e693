"""Password reset by e-mail (issue 6), against the real `citadel serve` over
HTTPS and a real SMTP conversation: the server speaks SMTP with STARTTLS to a
local aiosmtpd sink (smtp_sink.py) whose certificate comes from a test CA the
server is told to trust.

What users rely on: "forgot password" answers the same whether or not the
account exists, and mails a link only when it does; the mail went over TLS
and its link works: following it sets the new password (the tenant's policy
applies, and a refused password does not burn the link); after that the old
password fails and sessions opened before are ended; the link works once; an
expired link, a forged one, or one issued before a password change never
works; a relay that does not offer STARTTLS gets nothing; neither the token
nor a password ever reaches the log."""
import hashlib
import hmac
import json
import os
import re
import shutil
import ssl
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
import xmlrpc.client
import zlib

from browser_client import Browser
from citadel_harness import CitadelServer, free_port
from smtp_sink import SmtpSink, make_test_ca


def _flip_last(text):
    """`text` with its last hex digit changed (never to the same digit)."""
    return text[:-1] + ("1" if text[-1] == "0" else "0")


class PasswordResetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca_dir = tempfile.mkdtemp(prefix="cit-mail-ca-")
        cls.addClassCleanup(shutil.rmtree, cls.ca_dir, True)
        ca_cert, cert, key = make_test_ca(cls.ca_dir)
        cls.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cls.tls.load_cert_chain(cert, key)
        cls.smtp_port = free_port()
        cls.sink = SmtpSink(cls.smtp_port, cls.tls).start()
        cls.addClassCleanup(lambda: cls.sink.stop())
        cls.server = CitadelServer(config_text=(
            '[server]\npbkdf2_rounds = 1000\n[limits]\nallow = ["127.0.0.0/8"]\n'
            '[mail]\nhost = "localhost"\nport = %d\nfrom = "erp@example.com"\nca_file = "%s"\n'
            'timeout_seconds = 10\n' % (cls.smtp_port, ca_cert))).start()
        cls.addClassCleanup(cls.stop_server)
        b = cls.server.banner
        cls.db, cls.login, cls.password = b["tenant"], b["login"], b["password"]
        cls.base = "https://localhost:%d" % cls.server.https_port
        cls.ctx = ssl.create_default_context(cafile=cls.server.ca_path)
        cls.common = xmlrpc.client.ServerProxy(cls.base + "/xmlrpc/2/common", context=cls.ctx, allow_none=True)
        cls.models = xmlrpc.client.ServerProxy(cls.base + "/xmlrpc/2/object", context=cls.ctx, allow_none=True)
        cls.uid = cls.common.authenticate(cls.db, cls.login, cls.password, {})
        cls.group_user = cls.admin("ir.model.data", "search_read",
                                   [("module", "=", "base"), ("name", "=", "group_user")],
                                   fields=["res_id"])[0]["res_id"]

    @classmethod
    def stop_server(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    @classmethod
    def admin(cls, model, method, *args, **kw):
        return cls.models.execute_kw(cls.db, cls.uid, cls.password, model, method, list(args), kw)

    def new_user(self, login, password="correct horse battery staple"):
        uid = self.admin("res.users", "create", {"name": login.title(), "login": login, "password": password,
                                                 "email": login + "@example.org",
                                                 "groups_id": [(6, 0, [self.group_user])]})
        return uid, password

    def authenticate(self, login, password):
        return self.common.authenticate(self.db, login, password, {})

    def web_session(self, login, password):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"db": self.db, "login": login, "password": password}}).encode()
        req = urllib.request.Request(self.base + "/web/session/authenticate", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            self.assertIn("result", json.loads(resp.read()))
            return re.match(r"session_id=([0-9a-f]{64})", resp.headers["Set-Cookie"]).group(1)

    def session_alive(self, sid):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}).encode()
        req = urllib.request.Request(self.base + "/web/session/get_session_info", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Cookie": "session_id=" + sid})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            return "result" in json.loads(resp.read())

    def ask_reset(self, login, browser=None):
        # Each login asks from an address of its own: reset mails are capped
        # per source too (10 an hour), and the tests together ask for more.
        browser = browser or Browser(self.server, source="127.0.0.%d" % (30 + zlib.crc32(login.encode()) % 200))
        status, _, page, _ = browser.get("/web/reset_password?db=" + self.db)
        self.assertEqual(status, 200, page)
        status, _, page, _ = browser.submit("/web/reset_password", page, {"login": login})
        self.assertEqual(status, 200, page)
        return page

    def mailed_link(self, index, to):
        mail = self.sink.wait_for(index + 1)[index]
        self.assertEqual(mail["to"], [to])
        self.assertEqual(mail["from"], "erp@example.com")
        self.assertTrue(mail["tls"], "the mail must have gone over STARTTLS")
        text = mail["message"].get_content()
        m = re.search(r"(https://localhost:%d/web/reset_password\?db=[a-z0-9-]+&token=[0-9a-f.]+)"
                      % self.server.https_port, text)
        self.assertTrue(m, text)
        return m.group(1)

    def open_link(self, browser, link):
        return browser.get(link[len(self.base):])

    def tenant_db(self):
        return self.server.database_of(self.db)

    # -- the whole way ---------------------------------------------------------
    def test_a_mailed_link_resets_the_password_once_and_ends_old_sessions(self):
        uid, old_password = self.new_user("carol")
        old_sid = self.web_session("carol", old_password)
        # execute_kw with the password primes the verified-credential cache.
        call_with = lambda password: self.models.execute_kw(self.db, uid, password, "res.users", "read", [[uid]],
                                                            {"fields": ["login"]})
        self.assertEqual(call_with(old_password)[0]["login"], "carol")
        before = self.sink.count()
        page = self.ask_reset("carol")
        self.assertIn("If an account matches, we have sent a link", page)
        link = self.mailed_link(before, "carol@example.org")

        browser = Browser(self.server)
        status, _, page, _ = self.open_link(browser, link)
        self.assertEqual(status, 200, page)
        self.assertIn("<strong>carol</strong>", page)
        # Two different passwords: nothing changes.
        status, _, page, _ = browser.submit("/web/reset_password", page,
                                            {"password": "a new long passphrase", "confirm_password": "other"})
        self.assertIn("Passwords do not match", page)
        # The policy applies; the link survives a refused password.
        status, _, page, _ = browser.submit("/web/reset_password", page,
                                            {"password": "password", "confirm_password": "password"})
        self.assertEqual(status, 200)
        self.assertIn("This password is too easy to guess", page)
        self.assertIn("<strong>carol</strong>", page, "the form must still be there")
        new_password = "lantern orbit pepper 42"
        status, headers, _, _ = browser.submit("/web/reset_password", page,
                                               {"password": new_password, "confirm_password": new_password})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/web/login?db=%s&password_reset=1" % self.db)
        _, _, login_page, _ = browser.get(headers["location"])
        self.assertIn("Your password has been changed", login_page)

        self.assertFalse(self.authenticate("carol", old_password), "the old password must fail")
        self.assertEqual(self.authenticate("carol", new_password), uid)
        self.assertFalse(self.session_alive(old_sid), "a session opened before must be ended")
        with self.assertRaises(xmlrpc.client.Fault, msg="the cached old password must not pass execute_kw"):
            call_with(old_password)
        self.assertEqual(call_with(new_password)[0]["login"], "carol")

        # The same link a second time: refused, on the page and on the form.
        again = Browser(self.server)
        status, _, page, _ = self.open_link(again, link)
        self.assertEqual(status, 400)
        self.assertIn("This link is not valid", page)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)
        _, _, page, _ = again.get("/web/reset_password?db=" + self.db)  # a page with this browser's token
        status, _, page, _ = again.submit("/web/reset_password", page,
                                          {"db": self.db, "token": query["token"][0],
                                           "password": "yet another passphrase 9",
                                           "confirm_password": "yet another passphrase 9"})
        self.assertIn("This link is not valid", page)
        self.assertEqual(self.authenticate("carol", new_password), uid)
        self.assert_nothing_secret_logged([query["token"][0], old_password, new_password])

    def test_an_unknown_account_gets_the_same_answer_and_no_mail(self):
        self.new_user("dave")
        before = self.sink.count()
        known = self.ask_reset("dave")
        self.sink.wait_for(before + 1)
        unknown = self.ask_reset("nobody-here")
        by_mail_unknown = self.ask_reset("nobody@example.org")
        strip = lambda page: re.sub(r'name="csrf_token" value="[0-9a-f]+"', "", page).replace(
            "nobody-here", "X").replace("nobody@example.org", "X").replace("dave", "X")
        self.assertEqual(strip(known), strip(unknown))
        self.assertEqual(strip(known), strip(by_mail_unknown))
        time.sleep(2)
        self.assertEqual(self.sink.count(), before + 1, "no mail for an unknown account")

    def test_forgot_password_mails_are_capped_per_account(self):
        self.new_user("nina")
        before = self.sink.count()
        answers = [self.ask_reset("nina") for _ in range(4)]
        self.sink.wait_for(before + 3)
        time.sleep(2)
        self.assertEqual(self.sink.count(), before + 3, "at most 3 mails an hour per account")
        strip = lambda page: re.sub(r'name="csrf_token" value="[0-9a-f]+"', "", page)
        self.assertEqual(strip(answers[0]), strip(answers[3]), "the answer does not tell the cap")

    def test_the_account_is_found_by_its_email_too(self):
        self.new_user("erin")
        before = self.sink.count()
        self.ask_reset("ERIN@example.org")
        self.mailed_link(before, "erin@example.org")

    def test_a_link_issued_before_a_password_change_fails(self):
        uid, _ = self.new_user("frank")
        before = self.sink.count()
        self.ask_reset("frank")
        link = self.mailed_link(before, "frank@example.org")
        self.admin("res.users", "write", [uid], {"password": "admin chose this one 77"})
        status, _, page, _ = self.open_link(Browser(self.server), link)
        self.assertEqual(status, 400)
        self.assertIn("This link is not valid", page)

    def test_expired_and_forged_links_fail(self):
        uid, _ = self.new_user("grace")
        stored_hash = self.server.psql(self.tenant_db(), "SELECT password FROM res_users WHERE id = %d" % uid)
        with open(os.path.join(self.server.data_dir, "secrets", "web-token-key"), "rb") as f:
            secret = f.read()
        key = hmac.new(secret, b"citadel-key-for:password-reset", hashlib.sha256).digest()
        fingerprint = hashlib.sha256(stored_hash.encode()).hexdigest()

        def token(expires, tenant=None):
            body = "%d.%d.%s" % (uid, expires, "ab" * 16)
            mac = hmac.new(key, b"\0".join([b"password-reset-v1", (tenant or self.db).encode(), body.encode(),
                                            fingerprint.encode()]), hashlib.sha256).hexdigest()
            return body + "." + mac

        def page_for(tok):
            return Browser(self.server).get("/web/reset_password?db=%s&token=%s" % (self.db, tok))

        # Control: the same construction with a future expiry is a valid link,
        # so the refusals below are for the reason each one names.
        status, _, page, _ = page_for(token(int(time.time()) + 600))
        self.assertEqual(status, 200, page)
        self.assertIn("<strong>grace</strong>", page)
        for tok in (token(int(time.time()) - 1),                # expired
                    token(int(time.time()) + 600, "other"),      # another tenant's
                    _flip_last(token(int(time.time()) + 600)),   # forged MAC
                    "%d.%d.%s.%s" % (uid, int(time.time()) + 600, "ab" * 16, "0" * 64),
                    "not-a-token"):
            status, _, page, _ = page_for(tok)
            self.assertEqual(status, 400, tok)
            self.assertIn("This link is not valid", page)

    def test_a_relay_without_starttls_gets_nothing(self):
        self.new_user("heidi")
        self.sink.stop()
        plain = SmtpSink(self.smtp_port).start()
        try:
            page = self.ask_reset("heidi")
            self.assertIn("If an account matches", page)
            deadline = time.time() + 30
            while time.time() < deadline and not any(
                    r.get("msg") == "password reset mail could not be sent" for r in self.server.log_records()):
                time.sleep(0.2)
            failures = [r for r in self.server.log_records() if r.get("msg") == "password reset mail could not be sent"]
            self.assertTrue(failures, "the failure must be logged")
            self.assertEqual(plain.count(), 0, "nothing may be said to a relay that does not offer STARTTLS")
        finally:
            plain.stop()
            type(self).sink = SmtpSink(self.smtp_port, self.tls).start()

    def test_forms_without_their_token_are_refused(self):
        self.new_user("ivan")
        before = self.sink.count()
        browser = Browser(self.server)
        _, _, page, _ = browser.get("/web/reset_password?db=" + self.db)
        status, _, _, _ = browser.submit("/web/reset_password", page, {"login": "ivan"}, drop=("csrf_token",))
        self.assertEqual(status, 403)
        time.sleep(1)
        self.assertEqual(self.sink.count(), before)

    # -- the tenant admin's action (Odoo 18: res.users.action_reset_password) ----
    def test_the_admin_mails_a_user_a_link_and_learns_no_password(self):
        uid, old_password = self.new_user("judy")
        before = self.sink.count()
        answer = self.admin("res.users", "action_reset_password", [uid])
        self.assertEqual(answer, {"type": "ir.actions.client", "tag": "display_notification",
                                  "params": {"title": "Notification",
                                             "message": "A reset password link was send by email",
                                             "sticky": False}})
        link = self.mailed_link(before, "judy@example.org")
        token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]
        self.assertNotIn(token, json.dumps(answer))
        self.assertEqual(self.authenticate("judy", old_password), uid, "nothing changes until the user acts")
        browser = Browser(self.server)
        _, _, page, _ = self.open_link(browser, link)
        status, _, _, _ = browser.submit("/web/reset_password", page, {"password": "judy picks this 3 times",
                                                                       "confirm_password": "judy picks this 3 times"})
        self.assertEqual(status, 303)
        self.assertEqual(self.authenticate("judy", "judy picks this 3 times"), uid)

    def test_the_action_is_the_admins_and_refuses_archived_or_mailless_users(self):
        uid, password = self.new_user("kim")
        other, _ = self.new_user("leo")
        before = self.sink.count()
        as_kim = lambda: self.models.execute_kw(self.db, uid, password, "res.users", "action_reset_password", [[other]])
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            as_kim()
        self.assertIn("You are not allowed to modify 'User'", refused.exception.faultString)
        nomail = self.admin("res.users", "create", {"name": "No Mail", "login": "nomail",
                                                    "groups_id": [(6, 0, [self.group_user])]})
        with self.assertRaises(xmlrpc.client.Fault) as no_address:
            self.admin("res.users", "action_reset_password", [nomail])
        self.assertIn("has no email address", no_address.exception.faultString)
        self.admin("res.users", "write", [other], {"active": False})
        with self.assertRaises(xmlrpc.client.Fault) as archived:
            self.admin("res.users", "action_reset_password", [other])
        self.assertIn("archived user", archived.exception.faultString)
        time.sleep(1)
        self.assertEqual(self.sink.count(), before)

    def assert_nothing_secret_logged(self, secrets):
        time.sleep(0.5)
        log = "\n".join(self.server.stderr_lines)
        for secret in secrets:
            self.assertNotIn(secret, log)


class UntrustedRelayTest(unittest.TestCase):
    """The relay's certificate must verify: with the test CA not given to the
    server (only the system's CAs), the STARTTLS handshake fails and nothing
    is sent, though the relay offers STARTTLS."""

    def test_a_relay_whose_certificate_does_not_verify_gets_nothing(self):
        ca_dir = tempfile.mkdtemp(prefix="cit-mail-ca-")
        self.addCleanup(shutil.rmtree, ca_dir, True)
        _, cert, key = make_test_ca(ca_dir)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
        port = free_port()
        sink = SmtpSink(port, tls).start()
        self.addCleanup(sink.stop)
        server = CitadelServer(config_text='[limits]\nallow = ["127.0.0.0/8"]\n'
                                           '[mail]\nhost = "localhost"\nport = %d\nfrom = "erp@example.com"\n'
                                           'timeout_seconds = 10\n' % port).start()
        self.addCleanup(lambda: (server.stop(), shutil.rmtree(server.data_dir, ignore_errors=True)))
        b = server.banner
        base = "https://localhost:%d" % server.https_port
        ctx = ssl.create_default_context(cafile=server.ca_path)
        common = xmlrpc.client.ServerProxy(base + "/xmlrpc/2/common", context=ctx, allow_none=True)
        models = xmlrpc.client.ServerProxy(base + "/xmlrpc/2/object", context=ctx, allow_none=True)
        uid = common.authenticate(b["tenant"], b["login"], b["password"], {})
        models.execute_kw(b["tenant"], uid, b["password"], "res.users", "create",
                          [{"name": "Mia", "login": "mia", "email": "mia@example.org"}])
        browser = Browser(server)
        _, _, page, _ = browser.get("/web/reset_password?db=" + b["tenant"])
        status, _, page, _ = browser.submit("/web/reset_password", page, {"login": "mia"})
        self.assertIn("If an account matches", page)
        failed = lambda: [r for r in server.log_records() if r.get("msg") == "password reset mail could not be sent"]
        deadline = time.time() + 30
        while time.time() < deadline and not failed():
            time.sleep(0.2)
        self.assertTrue(failed(), "the failure must be logged")
        self.assertIn("certificate", failed()[0]["error"].lower())
        self.assertEqual(sink.count(), 0)


if __name__ == "__main__":
    unittest.main()
