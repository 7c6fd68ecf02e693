"""Two-factor authentication and the API key pages (issue 6), against the
real `citadel serve` over HTTPS, as a browser and an API client use them.

What users rely on: enrolling shows a QR code and the key, and takes a
current code and the password; signing in then asks a code (or a recovery
code) before any session exists; a wrong code and a code used once already
are refused; wrong codes stop being checked after five; the password alone
no longer opens the external API (authenticate, execute_kw,
/web/session/authenticate answer as for a wrong password) while an API key
made on the API keys page does, until it is revoked there; forged form
POSTs (no CSRF token) change nothing. Codes are computed here from the key
read off the enrolment page, as an authenticator app would."""
import base64
import hashlib
import hmac
import json
import re
import struct
import time
import unittest
import urllib.request
import xmlrpc.client

from browser_client import Browser, form_fields
from citadel_harness import ApiServerTest


def totp_code(key_text, step):
    """RFC 6238 with SHA-1, 6 digits, for time step `step`."""
    secret = base64.b32decode(key_text.replace(" ", "").upper() + "=" * (-len(key_text.replace(" ", "")) % 8))
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def now_step():
    return int(time.time()) // 30


class TotpTest(ApiServerTest):
    # The sign-in throttle is not what these tests are about; dummy
    # verifications at few rounds keep the suite short (users' own hashes
    # are made at the production rounds by the ORM).
    CONFIG_TEXT = '[server]\npbkdf2_rounds = 1000\n[limits]\nallow = ["127.0.0.0/8"]\n'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group_user = cls.models.execute_kw(cls.db, cls.uid, cls.password, "ir.model.data", "search_read",
                                               [[("module", "=", "base"), ("name", "=", "group_user")]],
                                               {"fields": ["res_id"]})[0]["res_id"]

    def make_user(self, login, password):
        return self.models.execute_kw(self.db, self.uid, self.password, "res.users", "create",
                                      [{"name": login, "login": login, "password": password,
                                        "groups_id": [(6, 0, [self.group_user])]}])

    def sign_in(self, browser, login, password):
        _, _, page, _ = browser.get("/web/login?db=" + self.db)
        return browser.submit("/web/login", page, {"login": login, "password": password})

    def enrol(self, browser, password, check_refusals=True):
        """Enrols the signed-in user; returns (key text, step used, recovery codes)."""
        status, _, page, _ = browser.get("/web/totp")
        self.assertEqual(status, 200, page)
        self.assertIn("<svg xmlns=\"http://www.w3.org/2000/svg\"", page)
        key = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page).group(1)
        self.assertEqual(len(key.replace(" ", "")), 32)  # 160 bits
        if check_refusals:
            # A wrong code or a wrong password turns nothing on.
            wrong_code = "000000" if totp_code(key, now_step()) != "000000" else "111111"
            _, _, wrong, _ = browser.submit("/web/totp/enable", page, {"code": wrong_code, "password": password})
            self.assertIn("Wrong code", wrong)
            _, _, wrong, _ = browser.submit("/web/totp/enable", page,
                                            {"code": totp_code(key, now_step()), "password": "not it"})
            self.assertIn("Wrong password", wrong)
            # The page shows the same key until it is confirmed.
            self.assertIn(key, wrong)
        step = now_step()
        status, _, done, _ = browser.submit("/web/totp/enable", page, {"code": totp_code(key, step), "password": password})
        self.assertEqual(status, 200, done)
        self.assertIn("Two-factor authentication is on.", done)
        codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>", done)
        self.assertEqual(len(codes), 10, done)
        # Shown once: the page does not show them again.
        _, _, again, _ = browser.get("/web/totp")
        self.assertNotIn(codes[0], again)
        self.assertNotIn(key, again, "the key is not shown once it is on")
        self.assertIn("Recovery codes left: 10", again)
        return key, step, codes

    def session_authenticate(self, login, secret):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"db": self.db, "login": login, "password": secret}}).encode()
        req = urllib.request.Request(self.base + "/web/session/authenticate", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            return json.loads(resp.read())

    def execute_as(self, uid, secret, model, method, *args):
        return self.models.execute_kw(self.db, uid, secret, model, method, list(args))

    def test_enrol_sign_in_with_codes_and_the_api_only_with_a_key(self):
        login, password = "totp-ann", "totp ann's long passphrase"
        uid = self.make_user(login, password)
        browser = Browser(self.server, source="127.0.0.31")
        self.assertEqual(self.sign_in(browser, login, password)[0], 303)
        # Before 2FA the password opens the API (and fills the credential cache).
        self.assertTrue(self.execute_as(uid, password, "res.users", "read", [uid], ["login"]))
        key, step, recovery = self.enrol(browser, password)
        self.assertEqual(self.execute("res.users", "read", [uid], ["totp_enabled"])[0]["totp_enabled"], True)

        # Signing in: the password leads to the code's page, with no session.
        second = Browser(self.server, source="127.0.0.32")
        status, _, page, set_cookies = self.sign_in(second, login, password)
        self.assertEqual(status, 200, page)
        self.assertIn('action="/web/login/totp"', page)
        self.assertFalse([c for c in set_cookies if c.startswith("session_id=")])
        self.assertNotIn("session_id", second.cookies)
        # The code the enrolment used is spent; a wrong one is refused.
        for code in (totp_code(key, step), "12345", "x" * 1000):
            status, _, refused, set_cookies = second.submit("/web/login/totp", page, {"code": code})
            self.assertEqual(status, 200)
            self.assertIn("Wrong code", refused)
            self.assertNotIn("session_id", second.cookies)
        # A field past the form's bounds is refused before anything is read.
        self.assertEqual(second.submit("/web/login/totp", page, {"code": "1" * 10000})[0], 400)
        # Without the CSRF token: refused before anything is checked.
        next_code = totp_code(key, step + 1)
        status, _, _, _ = second.submit("/web/login/totp", page, {"code": next_code}, drop=("csrf_token",))
        self.assertEqual(status, 403)
        # The ticket is bound to this browser: another one's form does not pass.
        thief = Browser(self.server, source="127.0.0.33")
        thief.get("/web/login?db=" + self.db)
        _, _, thief_page, _ = thief.get("/web/login?db=" + self.db)
        fields = form_fields(page)
        fields["csrf_token"] = form_fields(thief_page)["csrf_token"]
        status, _, stolen, _ = thief.request("POST", "/web/login/totp", fields=dict(fields, code=next_code))
        self.assertIn("Log in again", stolen)
        self.assertNotIn("session_id", thief.cookies)
        # The next step's code opens the session, once.
        status, headers, _, _ = second.submit("/web/login/totp", page, {"code": next_code})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/web")
        self.assertIn("session_id", second.cookies)
        self.assertIn("Signed in as", second.get("/web")[2])
        third = Browser(self.server, source="127.0.0.34")
        _, _, page3, _ = self.sign_in(third, login, password)
        _, _, replayed, _ = third.submit("/web/login/totp", page3, {"code": next_code})
        self.assertIn("Wrong code", replayed)
        # A recovery code works (once: user_totp_pgtest).
        status, _, _, _ = third.submit("/web/login/totp", page3, {"code": recovery[0].upper()})
        self.assertEqual(status, 303)

        # The external API refuses the password now, as a wrong one.
        self.assertIs(self.common.authenticate(self.db, login, password, {}), False)
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            self.execute_as(uid, password, "res.users", "read", [uid], ["login"])
        with self.assertRaises(xmlrpc.client.Fault) as wrong:
            self.execute_as(uid, "not the password", "res.users", "read", [uid], ["login"])
        self.assertEqual(refused.exception.faultString, wrong.exception.faultString)
        self.assertIn("error", self.session_authenticate(login, password))
        # An API key made on the page works in its place, until revoked there.
        status, _, keys_page, _ = second.get("/web/api_keys")
        self.assertEqual(status, 200)
        status, _, made, _ = second.submit("/web/api_keys/create", keys_page,
                                           {"name": "<b>ci</b> script", "days": "7", "password": password})
        self.assertEqual(status, 200, made)
        api_key = re.search(r'<code id="new-key">([0-9a-f]{40})</code>', made).group(1)
        self.assertIn("&lt;b&gt;ci&lt;/b&gt; script", made)
        self.assertNotIn(api_key, second.get("/web/api_keys")[2], "a key is shown once")
        self.assertEqual(self.common.authenticate(self.db, login, api_key, {}), uid)
        self.assertEqual(self.execute_as(uid, api_key, "res.users", "read", [uid], ["login"])[0]["login"], login)
        key_id = form_fields(made)["key_id"]
        status, _, _, _ = second.submit("/web/api_keys/revoke", made, {"key_id": key_id}, drop=("csrf_token",))
        self.assertEqual(status, 403)
        self.assertEqual(self.execute_as(uid, api_key, "res.users", "read", [uid], ["login"])[0]["login"], login)
        status, _, revoked, _ = second.submit("/web/api_keys/revoke", made, {"key_id": key_id})
        self.assertIn("Key revoked.", revoked)
        with self.assertRaises(xmlrpc.client.Fault):
            self.execute_as(uid, api_key, "res.users", "read", [uid], ["login"])

        # Turning 2FA off: a forged POST does nothing; password + code does.
        _, _, totp_page, _ = second.get("/web/totp")
        status, _, _, _ = second.submit("/web/totp/disable", totp_page, {"password": password, "code": recovery[1]},
                                        drop=("csrf_token",))
        self.assertEqual(status, 403)
        status, _, off, _ = second.submit("/web/totp/disable", totp_page, {"password": password, "code": recovery[1]})
        self.assertIn("Two-factor authentication is off.", off)

    def test_wrong_codes_hit_the_limit(self):
        login, password = "totp-bob", "totp bob's long passphrase"
        self.make_user(login, password)
        browser = Browser(self.server, source="127.0.0.41")
        self.assertEqual(self.sign_in(browser, login, password)[0], 303)
        key, step, _ = self.enrol(browser, password, check_refusals=False)
        attacker = Browser(self.server, source="127.0.0.42")
        _, _, page, _ = self.sign_in(attacker, login, password)
        right = totp_code(key, step + 1)
        wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != right][:5]
        for code in wrong:
            status, _, answer, _ = attacker.submit("/web/login/totp", page, {"code": code})
            self.assertIn("Wrong code", answer)
        status, _, answer, _ = attacker.submit("/web/login/totp", page, {"code": right})
        self.assertEqual(status, 429)
        self.assertIn("Too many wrong codes", answer)
        self.assertNotIn("session_id", attacker.cookies)

    def test_pages_need_a_session_and_bound_their_inputs(self):
        anonymous = Browser(self.server, source="127.0.0.51")
        for path in ("/web/totp", "/web/api_keys"):
            status, headers, _, _ = anonymous.get(path)
            self.assertEqual(status, 303)
            self.assertEqual(headers["location"], "/web/login")
        login, password = "totp-cat", "totp cat's long passphrase"
        self.make_user(login, password)
        browser = Browser(self.server, source="127.0.0.52")
        self.assertEqual(self.sign_in(browser, login, password)[0], 303)
        _, _, page, _ = browser.get("/web/api_keys")
        for values in ({"name": "", "days": "7"}, {"name": "k", "days": "0"}, {"name": "k", "days": "91"},
                       {"name": "k", "days": "1e3"}, {"name": "k" * 2000, "days": "7"}):
            status, _, answer, _ = browser.submit("/web/api_keys/create", page, dict(values, password=password))
            self.assertEqual(status, 200)
            self.assertIn("Give the key a name", answer)
            self.assertNotIn('id="new-key"', answer)
        for key_id in ("", "-1", "99999999999999999999", "abc", "1 OR 1=1"):
            status, _, answer, _ = browser.submit("/web/api_keys/revoke", page, {"key_id": key_id})
            self.assertEqual(status, 200)
            self.assertNotIn("Key revoked.", answer)
        # Another user's key cannot be revoked from here.
        other_key = self.execute("res.users.apikeys.description", "create",
                                 {"name": "admin's", "expiration_date": False})
        self.execute("res.users.apikeys.description", "make_key", [other_key])
        admin_key_id = self.execute("res.users.apikeys", "search", [("name", "=", "admin's")])[0]
        _, _, answer, _ = browser.submit("/web/api_keys/revoke", page, {"key_id": str(admin_key_id)})
        self.assertNotIn("Key revoked.", answer)
        self.assertEqual(self.execute("res.users.apikeys", "search", [("id", "=", admin_key_id)]), [admin_key_id])

    def execute(self, model, method, *args):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args))


if __name__ == "__main__":
    unittest.main()
