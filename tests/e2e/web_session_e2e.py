"""The session routes that web-oriented Odoo clients use (issue 5): sign in on
/web/session/authenticate, get a session_id cookie, call models through
/web/dataset/call_kw, read /web/session/get_session_info, sign out on
/web/session/destroy. Against the real `citadel serve` over HTTPS.

What users rely on: the cookie is Secure, HttpOnly and SameSite=Lax and holds
nothing but a random id; a wrong sign-in never says what was wrong; signing in
gives a new id (a planted one is never kept); a new password, an archived user
or signing out ends the session at once; the dispatcher refuses private and
unknown methods as it does on XML-RPC; no session id reaches the log."""
import json
import re
import time
import unittest
import urllib.error
import urllib.request

from citadel_harness import ApiServerTest


class WebSessionTest(ApiServerTest):
    CONFIG_TEXT = '[limits]\nallow = ["127.0.0.0/8"]\n'

    # -- helpers -------------------------------------------------------------
    def post(self, path, params, sid=None, content_type="application/json", origin=None):
        """(status, Set-Cookie header or None, decoded JSON or raw bytes)."""
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 3, "params": params}).encode()
        headers = {"Content-Type": content_type}
        if origin is not None:
            headers["Origin"] = origin
        if sid is not None:
            headers["Cookie"] = "frontend_lang=en_US; session_id=%s" % sid
        req = urllib.request.Request(self.base + path, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
                return resp.status, resp.headers.get("Set-Cookie"), json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Set-Cookie"), e.read()

    def sign_in(self, login=None, password=None, sid=None):
        status, cookie, answer = self.post("/web/session/authenticate", {
            "db": self.db, "login": login or self.login, "password": password or self.password}, sid)
        self.assertEqual(status, 200)
        self.assertIn("result", answer, answer)
        m = re.match(r"session_id=([0-9a-f]{64}); ", cookie or "")
        self.assertTrue(m, cookie)
        return m.group(1), answer["result"], cookie

    def call_kw(self, sid, model, method, args, kwargs=None, path="/web/dataset/call_kw"):
        return self.post(path, {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}, sid)[2]

    def execute(self, model, method, *args, **kw):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kw)

    def assertExpired(self, answer):
        self.assertEqual(answer["error"]["code"], 100, answer)
        self.assertEqual(answer["error"]["message"], "Odoo Session Expired")
        self.assertEqual(answer["error"]["data"]["name"], "odoo.http.SessionExpiredException")

    def new_user(self, password):
        login = "web-%d@example.com" % time.monotonic_ns()
        uid = self.execute("res.users", "create", {"name": "Web Person", "login": login, "password": password})
        return login, uid

    # -- tests ---------------------------------------------------------------
    def test_sign_in_sets_a_secure_httponly_lax_cookie_and_answers_session_info(self):
        sid, info, cookie = self.sign_in()
        attributes = [a.strip() for a in cookie.split(";")[1:]]
        for wanted in ("Path=/", "Max-Age=604800", "Secure", "HttpOnly", "SameSite=Lax"):
            self.assertIn(wanted, attributes)
        self.assertEqual(info["uid"], self.uid)
        self.assertEqual(info["db"], self.db)
        self.assertEqual(info["username"], self.login)
        self.assertEqual(info["user_context"]["uid"], self.uid)
        self.assertIs(info["is_system"], True)
        self.assertIs(info["is_internal_user"], True)
        self.assertEqual(info["server_version_info"][0], 18)
        company = str(info["user_companies"]["current_company"])
        self.assertIn(company, info["user_companies"]["allowed_companies"])
        self.assertNotIn(self.password, json.dumps(info))
        status, _, again = self.post("/web/session/get_session_info", {}, sid)
        self.assertEqual(again["result"]["uid"], self.uid)

    def test_a_failed_sign_in_never_says_what_was_wrong_and_sets_no_cookie(self):
        answers = []
        for params in ({"db": self.db, "login": self.login, "password": self.password + "x"},
                       {"db": self.db, "login": "nobody@example.com", "password": self.password},
                       {"db": "no-such-tenant", "login": self.login, "password": self.password},
                       {"db": self.db, "login": self.login, "password": ""}):
            status, cookie, answer = self.post("/web/session/authenticate", params)
            self.assertEqual(status, 200)
            self.assertIsNone(cookie)
            answers.append(answer["error"])
        for error in answers:
            self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessDenied")
            self.assertEqual(error["data"]["message"], "Access Denied")
            self.assertEqual(error["data"]["debug"], "")
        _, _, missing = self.post("/web/session/authenticate", {"db": self.db, "login": self.login})
        self.assertEqual(missing["error"]["data"]["message"],
                         "Session.authenticate() missing 1 required positional argument: 'password'")

    def test_call_kw_reads_and_writes_through_the_orm(self):
        sid, _, _ = self.sign_in()
        pid = self.call_kw(sid, "res.partner", "create", [{"name": "Web Client Co", "is_company": True}])["result"]
        rows = self.call_kw(sid, "res.partner", "search_read", [[["id", "=", pid]]], {"fields": ["name", "is_company"]})
        self.assertEqual(rows["result"], [{"id": pid, "name": "Web Client Co", "is_company": True}])
        # The path after call_kw/ is the client's own label; Odoo ignores it.
        done = self.call_kw(sid, "res.partner", "write", [[pid], {"name": "Renamed Co"}],
                            path="/web/dataset/call_kw/res.partner/write")
        self.assertIs(done["result"], True)
        self.assertEqual(self.execute("res.partner", "read", [pid], fields=["name"])[0]["name"], "Renamed Co")
        ctx = self.call_kw(sid, "res.partner", "search_count", [[["id", "=", pid]]],
                           {"context": {"active_test": False}})
        self.assertEqual(ctx["result"], 1)

    def test_call_kw_refuses_as_every_other_transport_does(self):
        sid, _, _ = self.sign_in()
        private = self.call_kw(sid, "res.partner", "_compute_display_name", [])["error"]
        self.assertEqual(private["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(private["data"]["message"],
                         "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.")
        unknown = self.call_kw(sid, "res.partner", "no_such_method", [])["error"]
        self.assertEqual(unknown["data"]["message"], "The method 'res.partner.no_such_method' does not exist")
        no_model = self.call_kw(sid, "no.such.model", "search", [[]])["error"]
        self.assertEqual((no_model["code"], no_model["message"]), (404, "404: Not Found"))
        bad_domain = self.call_kw(sid, "res.partner", "search", [[["no_such_field", "=", 1]]])["error"]
        self.assertEqual(bad_domain["data"]["name"], "odoo.exceptions.ValidationError")
        missing = self.post("/web/dataset/call_kw", {"model": "res.partner", "method": "search"}, sid)[2]["error"]
        self.assertEqual(missing["data"]["message"],
                         "DataSet.call_kw() missing 2 required positional arguments: 'args' and 'kwargs'")

    def test_without_a_live_session_every_user_route_is_session_expired(self):
        for sid in (None, "0" * 64, "not-a-session", "'; DROP TABLE web_sessions; --"):
            self.assertExpired(self.post("/web/session/get_session_info", {}, sid)[2])
            self.assertExpired(self.call_kw(sid, "res.partner", "search", [[]]))
            self.assertExpired(self.post("/web/session/destroy", {}, sid)[2])

    def test_signing_in_always_makes_a_new_id_and_ends_the_old_one(self):
        planted = "ab" * 32
        sid, _, _ = self.sign_in(sid=planted)
        self.assertNotEqual(sid, planted)
        self.assertExpired(self.call_kw(planted, "res.partner", "search", [[]]))
        second, _, _ = self.sign_in(sid=sid)
        self.assertNotEqual(second, sid)
        self.assertExpired(self.call_kw(sid, "res.partner", "search", [[]]))
        self.assertIn("result", self.call_kw(second, "res.partner", "search", [[]]))

    def test_destroy_ends_the_session_and_drops_the_cookie(self):
        sid, _, _ = self.sign_in()
        status, cookie, answer = self.post("/web/session/destroy", {}, sid)
        self.assertEqual(status, 200)
        self.assertIsNone(answer.get("result"))
        self.assertNotIn("error", answer)
        self.assertTrue(cookie.startswith("session_id=; ") and "Max-Age=0" in cookie, cookie)
        self.assertExpired(self.call_kw(sid, "res.partner", "search", [[]]))

    def test_a_new_password_or_archiving_ends_the_users_sessions_at_once(self):
        login, uid = self.new_user("first-secret-1")
        sid, info, _ = self.sign_in(login, "first-secret-1")
        self.assertEqual(info["uid"], uid)
        self.assertIs(info["is_system"], False)
        # A user created through the API has no group: a call any user may make.
        probe = lambda: self.call_kw(sid, "res.users", "check_access_rights", ["read"], {"raise_exception": False})
        self.assertIn("result", probe())
        self.execute("res.users", "write", [uid], {"password": "second-secret-2"})
        self.assertExpired(probe())
        sid, _, _ = self.sign_in(login, "second-secret-2")
        self.execute("res.users", "write", [uid], {"active": False})
        self.assertExpired(self.post("/web/session/get_session_info", {}, sid)[2])

    def test_a_forged_cross_site_post_is_refused_even_with_the_cookie(self):
        sid, _, _ = self.sign_in()
        partner = self.execute("res.partner", "create", {"name": "CSRF target"})
        forged = {"model": "res.partner", "method": "write", "args": [[partner], {"name": "Forged"}], "kwargs": {}}
        for origin in ("https://evil.example", "null", "http://localhost:%d" % self.server.https_port,
                       "https://localhost:%d" % (self.server.https_port + 1)):
            status, cookie, body = self.post("/web/dataset/call_kw", forged, sid, origin=origin)
            self.assertEqual(status, 403, origin)
            self.assertIn(b"another site", body)
        self.assertEqual(self.execute("res.partner", "read", [partner], ["name"])[0]["name"], "CSRF target")
        status, cookie, _ = self.post("/web/session/authenticate", {"db": self.db, "login": self.login,
                                                                   "password": self.password},
                                      origin="https://evil.example")
        self.assertEqual((status, cookie), (403, None), "no sign-in from another site either")
        # The site's own pages (same Origin), and scripts (no Origin), go through.
        same = "https://localhost:%d" % self.server.https_port
        status, _, answer = self.post("/web/dataset/call_kw", forged, sid, origin=same)
        self.assertEqual((status, answer.get("result")), (200, True), answer)
        status, _, answer = self.post("/jsonrpc", {"service": "common", "method": "version", "args": []},
                                      origin="https://evil.example")
        self.assertEqual(status, 403, "/jsonrpc is a JSON route too")

    def test_json_routes_want_a_json_body(self):
        status, _, body = self.post("/web/session/get_session_info", {}, content_type="text/plain")
        self.assertEqual(status, 400)
        self.assertIn(b"type='json'", body)
        req = urllib.request.Request(self.base + "/web/dataset/call_kw", data=b"{not json", method="POST",
                                     headers={"Content-Type": "application/json"})
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(req, context=self.ctx, timeout=30)
        self.assertEqual(caught.exception.code, 400)

    def test_no_session_id_or_password_reaches_the_log(self):
        sid, _, _ = self.sign_in()
        self.call_kw(sid, "res.partner", "search", [[]])
        self.post("/web/session/destroy", {}, sid)
        time.sleep(0.3)
        log = "".join(self.server.stderr_lines)
        self.assertNotIn(sid, log)
        self.assertNotIn(self.password, log)


if __name__ == "__main__":
    unittest.main()
