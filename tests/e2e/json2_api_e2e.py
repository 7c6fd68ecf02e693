"""Odoo 19's JSON-2 API (POST /json/2/<model>/<method> with a bearer API key)
and GET /web/version, against the real `citadel serve` over HTTPS (issue 5),
with API keys made the Odoo 18 way (res.users.apikeys.description.make_key)
and used also in place of the password on XML-RPC, as Odoo allows.

What users rely on: the answers and error statuses Odoo 19 gives; a wrong or
revoked key, an archived user and an unknown database all answer 401 at once;
the one dispatcher refuses private and unknown methods here as elsewhere; no
key reaches the log."""
import json
import time
import unittest
import urllib.error
import urllib.request
import xmlrpc.client

from citadel_harness import ApiServerTest


class Json2ApiTest(ApiServerTest):
    CONFIG_TEXT = '[server]\ntenant_domain = "Erp.Example.Test"\n[limits]\nallow = ["127.0.0.0/8"]\n'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls.make_key(cls.uid, cls.password, "json2 e2e")

    @classmethod
    def make_key(cls, uid, password, name):
        """An API key of `uid`'s own, as Odoo 18's wizard makes it."""
        call = lambda *a, **k: cls.models.execute_kw(cls.db, uid, password, *a, k)
        # A user who is not an administrator must give an expiry (90 days at most).
        expiry = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 86400))
        wizard = call("res.users.apikeys.description", "create", [{"name": name, "expiration_date": expiry}])
        action = call("res.users.apikeys.description", "make_key", [[wizard]])
        return action["context"]["default_key"]

    def group(self, name):
        rows = self.execute("ir.model.data", "search_read", [("module", "=", "base"), ("name", "=", name)],
                            fields=["res_id"])
        return rows[0]["res_id"]

    def execute(self, model, method, *args, **kw):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kw)

    def json2(self, model, method, body=None, key=None, db=None, raw=None, content_type="application/json",
              host=None):
        """(status, headers, decoded JSON)."""
        headers = {"Content-Type": content_type}
        if host:
            headers["Host"] = host
        if key is not False:
            headers["Authorization"] = "bearer %s" % (key or self.key)
        if db is not False:
            headers["X-Odoo-Database"] = db or self.db
        data = raw if raw is not None else json.dumps(body or {}).encode()
        req = urllib.request.Request("%s/json/2/%s/%s" % (self.base, model, method), data=data, method="POST",
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
                return resp.status, resp.headers, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers, json.loads(e.read())

    def assertError(self, answer, status, name, message=None):
        got_status, _, body = answer
        self.assertEqual(got_status, status, body)
        self.assertEqual(body["name"], name, body)
        self.assertEqual(body["debug"], "")
        if message is not None:
            self.assertEqual(body["message"], message)
        return body

    # -- tests ---------------------------------------------------------------
    def test_web_version_answers_without_credentials(self):
        req = urllib.request.Request(self.base + "/web/version")
        with urllib.request.urlopen(req, context=self.ctx, timeout=30) as resp:
            self.assertEqual(json.loads(resp.read()),
                             {"version_info": [18, 0, 0, "final", 0, ""], "version": "18.0"})

    def test_a_key_is_40_hex_and_shown_once(self):
        self.assertRegex(self.key, r"^[0-9a-f]{40}$")
        rows = self.execute("res.users.apikeys", "search_read", [], fields=["name", "user_id"])
        self.assertIn("json2 e2e", [r["name"] for r in rows])
        self.assertNotIn(self.key, json.dumps(rows))

    def test_crud_walkthrough_as_odoo_19_documents_it(self):
        status, _, created = self.json2("res.partner", "create", {"vals_list": [{"name": "Json Two Co", "is_company": True}]})
        self.assertEqual(status, 200, created)
        self.assertEqual(len(created), 1)
        pid = created[0]
        status, _, rows = self.json2("res.partner", "search_read", {
            "domain": [["id", "=", pid]], "fields": ["name", "is_company"], "context": {"lang": "en_US"}})
        self.assertEqual((status, rows), (200, [{"id": pid, "name": "Json Two Co", "is_company": True}]))
        self.assertEqual(self.json2("res.partner", "write", {"ids": [pid], "vals": {"name": "Renamed Two"}})[2], True)
        status, _, read = self.json2("res.partner", "read", {"ids": [pid], "fields": ["name"]})
        self.assertEqual(read, [{"id": pid, "name": "Renamed Two"}])
        self.assertEqual(self.json2("res.partner", "search_count", {"domain": [["id", "=", pid]]})[2], 1)
        self.assertEqual(self.json2("res.partner", "unlink", {"ids": [pid]})[2], True)
        self.assertEqual(self.execute("res.partner", "search", [("id", "=", pid)]), [])

    def test_credentials_errors_are_401_and_never_say_which_part(self):
        status, headers, body = self.json2("res.partner", "search", {"domain": []}, key=False)
        self.assertEqual(status, 401)
        self.assertEqual(headers.get("WWW-Authenticate"), "Bearer")
        for key, db in ((self.key[:-1] + ("0" if self.key[-1] != "0" else "1"), None),
                        ("0" * 40, None), ("short", None), (self.key, "no-such-tenant")):
            self.assertError(self.json2("res.partner", "search", {"domain": []}, key=key, db=db), 401,
                             "werkzeug.exceptions.Unauthorized", "Invalid apikey")
        self.assertEqual(self.json2("res.partner", "search", {"domain": []}, db=False)[0], 404)

    def test_the_host_name_can_name_the_tenant(self):
        port = self.server.https_port
        ok = self.json2("res.partner", "search_count", {"domain": []}, db=False, host="%s.erp.example.test:%d" % (self.db, port))
        self.assertEqual(ok[0], 200, ok)
        for host in ("erp.example.test", "x.%s.erp.example.test" % self.db, "%s.other.test" % self.db):
            self.assertEqual(self.json2("res.partner", "search_count", {"domain": []}, db=False, host=host)[0], 404, host)
        self.assertEqual(self.json2("res.partner", "search_count", {"domain": []}, db=False,
                                    host="nosuchtenant.erp.example.test")[0], 401)

    def test_the_dispatcher_refuses_here_as_on_every_transport(self):
        self.assertError(self.json2("res.partner", "_compute_display_name"), 403, "odoo.exceptions.AccessError",
                         "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.")
        self.assertError(self.json2("res.partner", "no_such_method"), 404, "werkzeug.exceptions.NotFound",
                         "The method 'res.partner.no_such_method' does not exist")
        self.assertError(self.json2("no.such.model", "search", {"domain": []}), 404, "werkzeug.exceptions.NotFound")
        self.assertError(self.json2("res.partner", "search", {"ids": [1], "domain": []}), 422,
                         "werkzeug.exceptions.UnprocessableEntity", "cannot call res.partner.search with ids")
        self.assertError(self.json2("res.partner", "search", {"domain": [], "nope": 1}), 422,
                         "werkzeug.exceptions.UnprocessableEntity")
        self.assertError(self.json2("res.partner", "search", {"domain": [["no_such_field", "=", 1]]}), 422,
                         "odoo.exceptions.ValidationError")
        self.assertError(self.json2("res.partner", "search", raw=b"{not json"), 400, "werkzeug.exceptions.BadRequest")
        self.assertError(self.json2("res.partner", "search", raw=b"[1, 2]"), 400, "werkzeug.exceptions.BadRequest")

    def test_a_key_stands_for_the_password_on_xmlrpc_but_not_for_a_web_sign_in(self):
        self.assertEqual(self.common.authenticate(self.db, self.login, self.key, {}), self.uid)
        self.assertIsInstance(self.models.execute_kw(self.db, self.uid, self.key, "res.partner", "search_count", [[]]), int)
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"db": self.db, "login": self.login, "password": self.key}}).encode()
        req = urllib.request.Request(self.base + "/web/session/authenticate", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            answer = json.loads(resp.read())
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessDenied")

    def test_removing_a_key_or_archiving_its_user_stops_it_at_once(self):
        key = self.make_key(self.uid, self.password, "short-lived")
        self.assertEqual(self.json2("res.partner", "search_count", {"domain": []}, key=key)[0], 200)  # now cached
        ids = self.execute("res.users.apikeys", "search", [("name", "=", "short-lived")])
        self.execute("res.users.apikeys", "remove", ids)
        self.assertError(self.json2("res.partner", "search_count", {"domain": []}, key=key), 401,
                         "werkzeug.exceptions.Unauthorized")
        with self.assertRaises(xmlrpc.client.Fault):
            self.models.execute_kw(self.db, self.uid, key, "res.partner", "search_count", [[]])
        login = "bot-%d@example.com" % time.monotonic_ns()
        bot = self.execute("res.users", "create", {"name": "Bot", "login": login, "password": "bot-secret-1",
                                                   "groups_id": [(6, 0, [self.group("group_user")])]})
        bot_key = self.make_key(bot, "bot-secret-1", "bot key")
        self.assertEqual(self.json2("res.users", "check_access_rights", {"operation": "read", "raise_exception": False},
                                    key=bot_key)[0], 200)
        self.execute("res.users", "write", [bot], {"active": False})
        self.assertError(self.json2("res.users", "check_access_rights", {"operation": "read"}, key=bot_key), 401,
                         "werkzeug.exceptions.Unauthorized")

    def test_an_access_error_is_403(self):
        login = "employee-json2-%d@example.com" % time.monotonic_ns()
        uid = self.execute("res.users", "create", {"name": "Employee Json", "login": login, "password": "employee-pw-12",
                                                   "groups_id": [(6, 0, [self.group("group_user")])]})
        key = self.make_key(uid, "employee-pw-12", "employee key")
        self.assertError(self.json2("res.partner.category", "create", {"vals_list": [{"name": "nope"}]}, key=key),
                         403, "odoo.exceptions.AccessError")

    def test_no_key_reaches_the_log(self):
        self.json2("res.partner", "search", {"domain": []})
        self.json2("res.partner", "search", {"domain": []}, key="0" * 40)
        time.sleep(0.3)
        self.assertNotIn(self.key, "".join(self.server.stderr_lines))


if __name__ == "__main__":
    unittest.main()
