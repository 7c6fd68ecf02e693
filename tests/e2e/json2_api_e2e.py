"""Odoo 19's JSON-2 API (POST /json/2/<model>/<method> with a bearer API key)
and GET /web/version, against the real `citadel serve` over HTTPS (issue 5),
with API keys made the Odoo 18 way (res.users.apikeys.description.make_key)
and used also in place of the password on XML-RPC, as Odoo allows.

What users rely on: the answers and error statuses Odoo 19 gives; a wrong or
revoked key, an archived user and an unknown database all answer 401 at once;
the one dispatcher refuses a private method, an unknown one and one off the
allow-list with the same exception and words on XML-RPC, JSON-RPC, the session's
call_kw and JSON-2; every JSON-2 error body has Odoo 19's keys and no traceback;
no key reaches the log."""
import json
import re
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
        """A JSON-2 error: `status`, a JSON body with exactly the keys of Odoo
        19's serialize_exception, `arguments` as Odoo gives them (a werkzeug
        HTTPException's are (description, code); an Odoo exception's are its
        args, the message alone), no context and never a traceback."""
        got_status, headers, body = answer
        self.assertEqual(got_status, status, body)
        self.assertTrue(headers["Content-Type"].startswith("application/json"), headers["Content-Type"])
        self.assertEqual(set(body), {"name", "message", "arguments", "context", "debug"}, body)
        self.assertEqual(body["name"], name, body)
        self.assertIsInstance(body["message"], str)
        self.assertTrue(body["message"], body)
        if message is not None:
            self.assertEqual(body["message"], message)
        if name.startswith("werkzeug.exceptions."):
            self.assertEqual(body["arguments"], [body["message"], status], body)
        else:
            self.assertEqual(body["arguments"], [body["message"]], body)
        self.assertEqual(body["context"], {}, body)
        self.assertEqual(body["debug"], "", body)
        return body

    def post_json(self, path, params, sid=None):
        """A JSON-RPC call (as Odoo's /jsonrpc and /web/* routes take them) with
        no Origin header, as a script sends it: (status, headers, decoded JSON)."""
        headers = {"Content-Type": "application/json"}
        if sid is not None:
            headers["Cookie"] = "session_id=%s" % sid
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 9, "params": params}).encode()
        status, headers, data = self.server.https("POST", path, body=body, headers=headers)
        return status, headers, json.loads(data)

    def web_sign_in(self):
        """A web session of the admin's (/web/session/authenticate): its id."""
        status, headers, answer = self.post_json("/web/session/authenticate",
                                                 {"db": self.db, "login": self.login, "password": self.password})
        self.assertEqual(status, 200)
        self.assertIn("result", answer, answer)
        sid = re.match(r"session_id=([0-9a-f]{64});", headers.get("set-cookie", ""))
        self.assertTrue(sid, headers)
        return sid.group(1)

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
        answer = self.json2("res.partner", "search", {"domain": []}, key=False)
        self.assertError(answer, 401, "werkzeug.exceptions.Unauthorized",
                         'User not authenticated, use the "Authorization" header')
        self.assertEqual(answer[1].get("WWW-Authenticate"), "Bearer")
        for key, db in ((self.key[:-1] + ("0" if self.key[-1] != "0" else "1"), None),
                        ("0" * 40, None), ("short", None), (self.key, "no-such-tenant")):
            answer = self.json2("res.partner", "search", {"domain": []}, key=key, db=db)
            self.assertError(answer, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
            self.assertEqual(answer[1].get("WWW-Authenticate"), "Bearer")
        self.assertError(self.json2("res.partner", "search", {"domain": []}, db=False), 404,
                         "werkzeug.exceptions.NotFound")

    def test_the_host_name_can_name_the_tenant(self):
        port = self.server.https_port
        ok = self.json2("res.partner", "search_count", {"domain": []}, db=False, host="%s.erp.example.test:%d" % (self.db, port))
        self.assertEqual(ok[0], 200, ok)
        for host in ("erp.example.test", "x.%s.erp.example.test" % self.db, "%s.other.test" % self.db):
            with self.subTest(host=host):
                self.assertError(self.json2("res.partner", "search_count", {"domain": []}, db=False, host=host), 404,
                                 "werkzeug.exceptions.NotFound")
        self.assertError(self.json2("res.partner", "search_count", {"domain": []}, db=False,
                                    host="nosuchtenant.erp.example.test"), 401,
                         "werkzeug.exceptions.Unauthorized", "Invalid apikey")

    def test_the_dispatcher_refuses_here_as_on_every_transport(self):
        self.assertError(self.json2("res.partner", "_compute_display_name"), 403, "odoo.exceptions.AccessError",
                         "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.")
        self.assertError(self.json2("res.partner", "no_such_method"), 404, "werkzeug.exceptions.NotFound",
                         "The method 'res.partner.no_such_method' does not exist")
        self.assertError(self.json2("no.such.model", "search", {"domain": []}), 404, "werkzeug.exceptions.NotFound",
                         "the model 'no.such.model' does not exist")
        self.assertError(self.json2("res.partner", "search", {"ids": [1], "domain": []}), 422,
                         "werkzeug.exceptions.UnprocessableEntity", "cannot call res.partner.search with ids")
        self.assertError(self.json2("res.partner", "search", {"domain": [], "nope": 1}), 422,
                         "werkzeug.exceptions.UnprocessableEntity")
        self.assertError(self.json2("res.partner", "search", {"domain": [["no_such_field", "=", 1]]}), 422,
                         "odoo.exceptions.ValidationError")
        bad = self.assertError(self.json2("res.partner", "search", raw=b"{not json"), 400,
                               "werkzeug.exceptions.BadRequest")
        self.assertTrue(bad["message"].startswith("could not parse the body as json: "), bad)
        self.assertError(self.json2("res.partner", "search", raw=b"[1, 2]"), 400, "werkzeug.exceptions.BadRequest",
                         "could not parse the body, expecting a json object")

    def test_a_body_not_declared_json_is_415(self):
        # Odoo 19 answers UnsupportedMediaType when the request's mimetype is
        # not the JSON-2 dispatcher's (application/json); Citadel's body is its
        # usual JSON error (docs/api.md), where Odoo's is werkzeug's HTML page.
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8"):
            with self.subTest(content_type=content_type):
                self.assertError(self.json2("res.partner", "search_count", {"domain": []}, content_type=content_type),
                                 415, "werkzeug.exceptions.UnsupportedMediaType", "the body must be application/json")
        # urllib would add a form Content-Type of its own: none at all, raw.
        status, headers, data = self.server.https("POST", "/json/2/res.partner/search_count", body=b"{}", headers={
            "Authorization": "bearer %s" % self.key, "X-Odoo-Database": self.db})
        self.assertError((status, {"Content-Type": headers["content-type"]}, json.loads(data)), 415,
                         "werkzeug.exceptions.UnsupportedMediaType", "the body must be application/json")
        # The media type's parameters, case and spaces do not matter (werkzeug's
        # mimetype, which Odoo reads, ignores them too).
        for content_type in ("application/json; charset=utf-8", "Application/JSON", "application/json ; charset=utf-8"):
            with self.subTest(content_type=content_type):
                status, _, count = self.json2("res.partner", "search_count", {"domain": []},
                                              content_type=content_type)
                self.assertEqual(status, 200, count)
                self.assertIsInstance(count, int)

    def test_the_one_dispatcher_refuses_alike_on_all_four_transports(self):
        """A private method, an unknown one and one that exists but is off the
        allow-list, on res.partner through XML-RPC, JSON-RPC, the session's
        call_kw and JSON-2: per case the same exception and the same words on
        all four, and nothing run. The private case is `_write` on a partner
        of ours, so that a call that got through would show in its name."""
        pid = self.execute("res.partner", "create", {"name": "Untouched"})
        before = self.execute("res.partner", "read", [pid], fields=["name", "write_date"])
        sid = self.web_sign_in()

        def via_xmlrpc(method, args):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.models.execute_kw(self.db, self.uid, self.password, "res.partner", method, args, {})
            code, text = caught.exception.faultCode, caught.exception.faultString
            # Odoo 18's xmlrpc_handle_exception_int: an AccessError is fault 4
            # with str(e); anything else fault 1 with its traceback, whose last
            # line is "Class: message" (Citadel sends that line alone).
            if code == 4:
                return "odoo.exceptions.AccessError", text
            self.assertEqual(code, 1, text)
            self.assertNotIn("\n", text, "a traceback")
            cls, _, message = text.partition(": ")
            return "builtins." + cls, message

        def jsonrpc_error(answer):
            status, _, body = answer
            self.assertEqual(status, 200, body)
            self.assertNotIn("result", body, body)
            error = body["error"]
            self.assertEqual((error["code"], error["message"]), (200, "Odoo Server Error"), error)
            data = error["data"]
            self.assertEqual(data["arguments"], [data["message"]], data)
            self.assertEqual((data["context"], data["debug"]), ({}, ""), data)
            return data["name"], data["message"]

        def via_jsonrpc(method, args):
            return jsonrpc_error(self.post_json("/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
                self.db, self.uid, self.password, "res.partner", method, args, {}]}))

        def via_call_kw(method, args):
            return jsonrpc_error(self.post_json("/web/dataset/call_kw", {
                "model": "res.partner", "method": method, "args": args, "kwargs": {}}, sid))

        def via_json2(method, body, status, name, message):
            got = self.assertError(self.json2("res.partner", method, body), status, name, message)
            return got["name"], got["message"]

        private = "Private methods (such as 'res.partner._write') cannot be called remotely."
        cases = (
            # method, execute_kw's args, JSON-2's body, the dispatcher's exception and words,
            # JSON-2's status and exception name.
            ("_write", [[pid], {"name": "Overwritten"}], {"ids": [pid], "vals": {"name": "Overwritten"}},
             "odoo.exceptions.AccessError", private, 403, "odoo.exceptions.AccessError"),
            ("frobnicate", [[pid]], {"ids": [pid]}, "builtins.AttributeError",
             "The method 'res.partner.frobnicate' does not exist", 404, "werkzeug.exceptions.NotFound"),
            # browse is on every model but not on the allow-list: the dispatcher
            # answers in get_public_method's words for a method it will not call
            # (docs/orm.md, CallModelMethod).
            ("browse", [[pid]], {"ids": [pid]}, "builtins.AttributeError",
             "The method 'res.partner.browse' does not exist", 404, "werkzeug.exceptions.NotFound"),
        )
        for method, args, body, name, message, json2_status, json2_name in cases:
            with self.subTest(method=method):
                answers = {"xmlrpc": via_xmlrpc(method, args), "jsonrpc": via_jsonrpc(method, args),
                           "call_kw": via_call_kw(method, args),
                           "json2": via_json2(method, body, json2_status, json2_name, message)}
                self.assertEqual({t: m for t, (_, m) in answers.items()}, dict.fromkeys(answers, message))
                # The same exception on the three RPC transports. On JSON-2 an
                # AccessError stays itself (UserError's http_status, 403), while
                # Odoo 19's web_json_2_rpc turns get_public_method's
                # AttributeError into NotFound(exc.args[0]): 404, same words.
                self.assertEqual({t: n for t, (n, _) in answers.items()},
                                 {"xmlrpc": name, "jsonrpc": name, "call_kw": name, "json2": json2_name})
        self.assertEqual(self.execute("res.partner", "read", [pid], fields=["name", "write_date"]), before)

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
                         "werkzeug.exceptions.Unauthorized", "Invalid apikey")
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
                         "werkzeug.exceptions.Unauthorized", "Invalid apikey")

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
