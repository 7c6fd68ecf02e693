"""The login page (issue 6), against the real `citadel serve` over HTTPS, as a
browser would use it: GET the form, POST it back with its CSRF token.

What users rely on: the page is HTML with the edge's security headers and is
never cached; signing in gives the same session cookie as
/web/session/authenticate (usable on the JSON routes); a wrong password says
only "Wrong login/password"; during a cooldown the page says "Too many login
failures, please wait"; what was typed is shown escaped, never as markup; a
forged form POST (the victim's cookie, but no token, another browser's token,
or a token from before sign-in) is refused with 403 and changes nothing."""
import json
import time
import unittest
import urllib.request

from browser_client import Browser, form_fields
from citadel_harness import ApiServerTest


class WebLoginTest(ApiServerTest):
    CONFIG_TEXT = '[server]\npbkdf2_rounds = 1000\n[limits]\nallow = ["127.0.0.0/8"]\n'

    def login_page(self, browser, query=None):
        status, headers, page, _ = browser.get("/web/login?db=%s" % (query or self.db))
        self.assertEqual(status, 200, page)
        return page

    def sign_in(self, browser, login=None, password=None):
        page = self.login_page(browser)
        return browser.submit("/web/login", page, {"login": login or self.login,
                                                   "password": password or self.password})

    def session_info(self, sid):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}).encode()
        req = urllib.request.Request(self.base + "/web/session/get_session_info", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Cookie": "session_id=" + sid})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            return json.loads(resp.read())

    def set_param(self, key, value):
        found = self.models.execute_kw(self.db, self.uid, self.password, "ir.config_parameter", "search",
                                       [[("key", "=", key)]])
        if found:
            self.models.execute_kw(self.db, self.uid, self.password, "ir.config_parameter", "write",
                                   [found, {"value": value}])
        else:
            self.models.execute_kw(self.db, self.uid, self.password, "ir.config_parameter", "create",
                                   [{"key": key, "value": value}])

    # -- the page itself -------------------------------------------------------
    def test_the_page_is_html_with_the_security_headers_and_a_token(self):
        browser = Browser(self.server)
        status, headers, page, set_cookies = browser.get("/web/login?db=" + self.db)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertEqual(headers["cache-control"], "no-store")
        self.assertIn("max-age=", headers["strict-transport-security"])
        self.assertIn("frame-ancestors 'none'", headers["content-security-policy"])
        self.assertEqual(headers["x-content-type-options"], "nosniff")
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertRegex(form_fields(page)["csrf_token"], r"^[0-9a-f]{64}$")
        presession = [c for c in set_cookies if c.startswith("citadel_presession=")]
        self.assertEqual(len(presession), 1, set_cookies)
        for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            self.assertIn(attribute, presession[0])

    # -- signing in --------------------------------------------------------------
    def test_signing_in_gives_the_same_session_as_the_json_route(self):
        browser = Browser(self.server)
        status, headers, _, set_cookies = self.sign_in(browser)
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/web")
        session = [c for c in set_cookies if c.startswith("session_id=")]
        self.assertEqual(len(session), 1, set_cookies)
        self.assertRegex(session[0], r"^session_id=[0-9a-f]{64}; Path=/; Max-Age=\d+; Secure; HttpOnly; SameSite=Lax$")
        sid = browser.cookies["session_id"]
        info = self.session_info(sid)
        self.assertEqual(info["result"]["uid"], self.uid)
        self.assertEqual(info["result"]["db"], self.db)
        status, _, home, _ = browser.get("/web")
        self.assertEqual(status, 200)
        self.assertIn("Signed in as <strong>%s</strong>" % self.login, home)

    def test_a_wrong_password_says_only_that(self):
        browser = Browser(self.server, source="127.0.0.21")
        status, _, page, set_cookies = self.sign_in(browser, password="not the password")
        self.assertEqual(status, 200)
        self.assertIn("Wrong login/password", page)
        self.assertFalse([c for c in set_cookies if c.startswith("session_id=")])
        status, _, page, _ = self.sign_in(browser, login="nobody-at-all", password="whatever")
        self.assertIn("Wrong login/password", page)
        status, _, page, _ = self.sign_in(Browser(self.server, source="127.0.0.21"), password="x")
        self.assertIn("Wrong login/password", page)

    def test_what_was_typed_is_shown_escaped(self):
        browser = Browser(self.server, source="127.0.0.22")
        status, _, page, _ = self.sign_in(browser, login='"><script>alert(1)</script>', password="x")
        self.assertEqual(status, 200)
        self.assertNotIn("<script>alert(1)", page)
        self.assertIn("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;", page)

    def test_a_cooldown_says_too_many_login_failures(self):
        self.set_param("base.login_cooldown_after", "2")
        self.set_param("base.login_cooldown_duration", "120")
        try:
            browser = Browser(self.server, source="127.0.0.23")
            for _ in range(2):
                _, _, page, _ = self.sign_in(browser, password="wrong password")
                self.assertIn("Wrong login/password", page)
            # The counter is written after the answer: wait (wrong passwords,
            # which only add failures) until the cooldown is seen...
            for _ in range(50):
                _, _, page, _ = self.sign_in(browser, password="wrong password")
                if "Too many login failures" in page:
                    break
                time.sleep(0.1)
            self.assertIn("Too many login failures, please wait", page)
            # ...then the right password is refused too, without a session.
            status, _, page, set_cookies = self.sign_in(browser)
            self.assertIn("Too many login failures, please wait", page)
            self.assertFalse([c for c in set_cookies if c.startswith("session_id=")])
            # Another source is not affected.
            status, _, _, _ = self.sign_in(Browser(self.server, source="127.0.0.24"))
            self.assertEqual(status, 303)
        finally:
            self.set_param("base.login_cooldown_after", "5")
            self.set_param("base.login_cooldown_duration", "60")

    # -- CSRF ------------------------------------------------------------------
    def test_forged_posts_are_refused_and_change_nothing(self):
        victim = Browser(self.server)
        pre_login_page = self.login_page(victim)
        old_token = form_fields(pre_login_page)["csrf_token"]
        self.assertEqual(self.sign_in(victim)[0], 303)
        sid = victim.cookies["session_id"]
        status, _, home, _ = victim.get("/web")
        self.assertEqual(status, 200)
        other = Browser(self.server)
        self.assertEqual(self.sign_in(other)[0], 303)
        _, _, other_home, _ = other.get("/web")
        other_token = form_fields(other_home)["csrf_token"]
        # A forging site makes the victim's browser post the log-out form: the
        # cookie rides along, the token is missing, another session's, or the
        # one the victim's login page had before signing in.
        for token in (None, "", other_token, old_token, "0" * 64):
            fields = {} if token is None else {"csrf_token": token}
            status, _, page, set_cookies = victim.request("POST", "/web/session/logout", fields=fields)
            self.assertEqual(status, 403, token)
            self.assertIn("Reload the page", page)
            self.assertFalse(set_cookies)
            self.assertIn("result", self.session_info(sid), "the session must still be there")
        # A login form posted without its token signs nobody in.
        fresh = Browser(self.server)
        page = self.login_page(fresh)
        status, _, _, set_cookies = fresh.submit("/web/login", page, {"login": self.login, "password": self.password},
                                                 drop=("csrf_token",))
        self.assertEqual(status, 403)
        self.assertFalse([c for c in set_cookies if c.startswith("session_id=")])
        # The victim's own form, with its own token, works.
        status, headers, _, _ = victim.submit("/web/session/logout", home, {})
        self.assertEqual(status, 303)
        self.assertEqual(self.session_info(sid)["error"]["code"], 100)

    def test_a_form_post_of_another_type_or_too_big_is_refused(self):
        browser = Browser(self.server)
        page = self.login_page(browser)
        token = form_fields(page)["csrf_token"]
        status, _, _, _ = browser.request("POST", "/web/login", raw_body=json.dumps({"csrf_token": token}),
                                          headers={"Content-Type": "application/json"})
        self.assertEqual(status, 415)
        status, _, _, _ = browser.request("POST", "/web/login",
                                          fields={"csrf_token": token, "login": "x" * 20000})
        self.assertEqual(status, 413)


if __name__ == "__main__":
    unittest.main()
