"""Odoo's external API (issue 5, first slice) driven the way Odoo's users drive it:
Python's own xmlrpc.client (allow_none=True) and a urllib JSON-RPC client, over
HTTPS trusting the local CA, against the real `citadel serve` and its demo tenant.

Covers /xmlrpc/2/{common,object,db}, /xmlrpc/{common,object} (version 1, string
fault codes) and /jsonrpc: authentication that never tells which part was wrong,
execute_kw/execute on res.partner and res.partner.category, Odoo's fault codes
and JSON-RPC error shape, the closed db service, and hostile bodies."""
import ast
import json
import os
import ssl
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request
import xmlrpc.client

from citadel_harness import ApiServerTest
from readme_examples import pointed_at, readme_example

ODOO_VERSION = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
                "server_serie": "18.0", "protocol_version": 1}


class OdooApiTest(ApiServerTest):
    # The per-IP rate limit is the edge's business, not this test's.
    CONFIG_TEXT = '[limits]\nallow = ["127.0.0.0/8"]\n'

    def execute(self, model, method, *args, **kw):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kw)

    def jsonrpc(self, service, method, *args, params=None, raw=None, content_type="application/json"):
        body = raw if raw is not None else json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 7,
            "params": params if params is not None else {"service": service, "method": method,
                                                          "args": list(args)}}).encode()
        req = urllib.request.Request(self.base + "/jsonrpc", data=body, method="POST",
                                     headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
                return resp.status, resp.headers, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def assertFault(self, code, call, *args):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            call(*args)
        self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        return caught.exception.faultString

    def portal_user(self, password):
        """A user in base.group_portal only, created through the API by the admin."""
        groups = self.execute("ir.model.data", "search_read",
                              [("module", "=", "base"), ("name", "=", "group_portal")], fields=["res_id"])
        portal = groups[0]["res_id"]
        login = "portal-%d@example.com" % time.monotonic_ns()
        uid = self.execute("res.users", "create", {
            "name": "Portal Person", "login": login, "password": password,
            "groups_id": [(6, 0, [portal])]})
        return login, uid

    # -- common ------------------------------------------------------------
    def test_version_is_odoo_18s(self):
        self.assertEqual(self.common.version(), ODOO_VERSION)
        self.assertEqual(self.common.about(), "See http://openerp.com")

    def test_authenticate_answers_the_uid_or_false_and_never_which_part_was_wrong(self):
        self.assertEqual(self.uid, 2)
        self.assertEqual(self.common.login(self.db, self.login, self.password), 2)
        timings = {}
        for case, args in {"wrong password": (self.db, self.login, self.password + "x"),
                           "unknown login": (self.db, "nobody@example.com", self.password),
                           "unknown db": ("nosuchtenant", self.login, self.password)}.items():
            start = time.monotonic()
            self.assertIs(self.common.authenticate(*args, {}), False, case)
            timings[case] = time.monotonic() - start
        # Each failure costs one PBKDF2 at the production rounds: timing does not
        # tell an unknown login or database from a wrong password.
        for case in ("unknown login", "unknown db"):
            self.assertGreater(timings[case], 0.4 * timings["wrong password"], timings)
        log = "".join(self.server.stderr_lines)
        self.assertNotIn(self.password, log)
        self.assertNotIn("nobody@example.com", log)

    # -- object ------------------------------------------------------------
    def test_partner_walkthrough_of_odoos_external_api_page(self):
        self.assertIsNone(self.execute("res.partner", "check_access_rights", "read", raise_exception=True))
        pid = self.execute("res.partner", "create", {"name": "E2E Walkthrough Co", "is_company": True,
                                                      "city": "Ghent"})
        self.assertIsInstance(pid, int)
        ids = self.execute("res.partner", "search", [("is_company", "=", True)], offset=0, limit=500)
        self.assertIn(pid, ids)
        count = self.execute("res.partner", "search_count", [("is_company", "=", True)])
        self.assertEqual(count, len(ids))
        [rec] = self.execute("res.partner", "read", [pid], fields=["name", "city", "country_id"])
        self.assertEqual(rec, {"id": pid, "name": "E2E Walkthrough Co", "city": "Ghent", "country_id": False})
        self.assertIs(self.execute("res.partner", "write", [pid], {"city": "Bruges"}), True)
        rows = self.execute("res.partner", "search_read", [("name", "ilike", "walkthrough")],
                            fields=["name", "city"], limit=5)
        self.assertEqual(rows, [{"id": pid, "name": "E2E Walkthrough Co", "city": "Bruges"}])
        self.assertIn([pid, "E2E Walkthrough Co"],
                      self.execute("res.partner", "name_search", "Walkthrough"))
        fields = self.execute("res.partner", "fields_get", attributes=["string", "type", "required"])
        self.assertEqual(fields["name"]["type"], "char")
        self.assertEqual(set(fields["name"]), {"string", "type", "required"})
        groups = self.execute("res.partner", "read_group", [("id", "=", pid)], ["city"], ["city"])
        self.assertEqual([(g["city"], g["city_count"]) for g in groups], [("Bruges", 1)])
        # the same through execute (positional arguments only)
        self.assertEqual(self.models.execute(self.db, self.uid, self.password, "res.partner",
                                             "search_count", [("id", "=", pid)]), 1)
        self.assertIs(self.execute("res.partner", "unlink", [pid]), True)
        self.assertEqual(self.execute("res.partner", "search_count", [("id", "=", pid)]), 0)

    def test_categories_and_context_through_kwargs(self):
        cat = self.execute("res.partner.category", "create", {"name": "E2E Tag"})
        self.assertEqual(self.execute("res.partner.category", "search_read", [("id", "=", cat)],
                                      fields=["name"]), [{"id": cat, "name": "E2E Tag"}])
        pid = self.execute("res.partner", "create", {"name": "E2E Archived", "active": False,
                                                      "category_id": [(6, 0, [cat])]})
        domain = [("name", "=", "E2E Archived")]
        self.assertEqual(self.execute("res.partner", "search", domain), [])
        self.assertEqual(self.execute("res.partner", "search", domain, context={"active_test": False}), [pid])
        [rec] = self.execute("res.partner", "read", [pid], ["category_id"], context={"active_test": False})
        self.assertEqual(rec["category_id"], [cat])

    def test_tz_and_allowed_company_ids_through_the_context(self):
        pid = self.execute("res.partner", "create", {"name": "E2E Timezones"})
        days = {}
        # UTC+14 and UTC-12 are 26 hours apart: never the same calendar day.
        for tz in ("Pacific/Kiritimati", "Etc/GMT+12"):
            groups = self.execute("res.partner", "read_group", [("id", "=", pid)], ["id:count"],
                                  ["create_date:day"], context={"tz": tz})
            self.assertEqual(len(groups), 1, groups)
            days[tz] = groups[0]["create_date:day"]
        self.assertNotEqual(days["Pacific/Kiritimati"], days["Etc/GMT+12"], days)
        [user] = self.execute("res.users", "read", [self.uid], ["company_id"])
        company = user["company_id"][0]
        self.assertEqual(self.execute("res.partner", "search", [("id", "=", pid)],
                                      context={"allowed_company_ids": [company]}), [pid])
        fault = self.assertFault(4, lambda: self.execute("res.partner", "search", [("id", "=", pid)],
                                                         context={"allowed_company_ids": [company, 999999]}))
        self.assertIn("Access to unauthorized or invalid companies.", fault)

    def test_validation_error_is_fault_2_with_the_orms_message(self):
        text = self.assertFault(2, self.execute, "res.partner", "search", [("no_such_field", "=", 1)])
        # Odoo prints the leaf as a Python tuple: ('no_such_field', '=', 1).
        self.assertTrue(text.startswith("Invalid field res.partner.no_such_field in leaf "), text)

    def test_access_error_is_fault_4_for_a_portal_user(self):
        login, uid = self.portal_user("portal-secret-1")
        self.assertEqual(self.common.authenticate(self.db, login, "portal-secret-1", {}), uid)
        text = self.assertFault(4, self.models.execute_kw, self.db, uid, "portal-secret-1",
                                "res.partner.category", "create", [{"name": "nope"}])
        self.assertIn("not allowed", text)

    def test_rights_given_or_taken_count_from_the_next_call(self):
        """Rights are cached across calls (orm/security_cache.hpp): a change
        made by the admin must still hold at the user's very next call."""
        login, uid = self.portal_user("portal-secret-2")
        call = lambda: self.models.execute_kw(self.db, uid, "portal-secret-2", "res.partner.category", "create",
                                              [{"name": "tag of %s" % login}])
        self.assertFault(4, call)
        groups = [r["res_id"] for r in self.execute(
            "ir.model.data", "search_read",
            [("module", "=", "base"), ("name", "in", ["group_user", "group_partner_manager"])], fields=["res_id"])]
        self.execute("res.users", "write", [uid], {"groups_id": [(6, 0, groups)]})
        self.assertIsInstance(call(), int)
        access = self.execute("ir.model.access", "search",
                              [("model_id.model", "=", "res.partner.category"), ("perm_create", "=", True)])
        self.execute("ir.model.access", "write", access, {"active": False})
        try:
            self.assertFault(4, call)
        finally:
            self.execute("ir.model.access", "write", access, {"active": True})
        self.assertIsInstance(call(), int)

    def test_wrong_password_is_access_denied_and_a_password_change_counts_at_once(self):
        text = self.assertFault(3, self.models.execute_kw, self.db, self.uid, self.password + "x",
                                "res.partner", "search", [[]])
        self.assertEqual(text, "Access Denied")
        self.assertFault(3, self.models.execute_kw, "nosuchtenant", self.uid, self.password,
                         "res.partner", "search", [[]])
        self.assertFault(3, self.models.execute_kw, self.db, 9999, self.password, "res.partner", "search", [[]])
        login, uid = self.portal_user("old-secret")
        call = lambda pw: self.models.execute_kw(self.db, uid, pw, "res.users", "check_access_rights",
                                                 ["read"], {"raise_exception": False})
        self.assertIs(call("old-secret"), True)  # verified once, now cached
        self.execute("res.users", "write", [uid], {"password": "a new secret phrase"})
        self.assertFault(3, call, "old-secret")
        self.assertIs(call("a new secret phrase"), True)
        self.execute("res.users", "write", [uid], {"active": False})
        self.assertFault(3, call, "a new secret phrase")

    def test_private_and_unknown_methods_are_refused(self):
        text = self.assertFault(4, self.execute, "res.partner", "_compute_display_name")
        self.assertEqual(text, "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.")
        text = self.assertFault(1, self.execute, "res.partner", "no_such_method")
        self.assertEqual(text, "AttributeError: The method 'res.partner.no_such_method' does not exist")
        self.assertFault(2, self.execute, "no.such.model", "search", [])
        text = self.assertFault(1, self.models.frobnicate, self.db, self.uid, self.password)
        self.assertEqual(text, "NameError: Method not available frobnicate")

    # -- db ----------------------------------------------------------------
    def test_the_readmes_python_example_runs_as_written(self):
        example = pointed_at(readme_example("python", "With Python's own"), self.base, self.db, self.login)
        env = dict(os.environ, SSL_CERT_FILE=self.server.ca_path, CITADEL_PASSWORD=self.password)
        done = subprocess.run([sys.executable, "-c", example], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        printed = ast.literal_eval(done.stdout.strip())
        self.assertIn({"name": "Kool Keith", "email": "keith@example.com"},
                      [{k: r[k] for k in ("name", "email")} for r in printed], printed)
        self.assertTrue(all(set(r) == {"id", "name", "email"} for r in printed), printed)

    def test_db_service_is_closed(self):
        db = self.proxy("/xmlrpc/2/db")
        self.assertEqual(db.server_version(), "18.0")
        self.assertEqual(self.assertFault(3, db.list), "Access Denied")
        self.assertFault(3, db.db_exist, self.db)
        self.assertFault(3, db.create_database, "admin", "evil", False, "en_US", "pw")
        self.assertFault(3, db.drop, "admin", self.db)
        self.assertFault(3, db.dump, "admin", self.db, "zip")
        self.assertEqual(self.assertFault(1, db.frobnicate), "KeyError: 'Method not found: frobnicate'")
        self.assertEqual(self.assertFault(1, self.proxy("/xmlrpc/2/nope").version), "KeyError: 'nope'")

    # -- version 1: string fault codes -----------------------------------
    def test_xmlrpc_version_one_gives_string_fault_codes(self):
        common = self.proxy("/xmlrpc/common")
        self.assertEqual(common.version(), ODOO_VERSION)
        self.assertIs(common.login(self.db, self.login, "wrong"), False)
        models = self.proxy("/xmlrpc/object")
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            models.execute_kw(self.db, self.uid, "wrong", "res.partner", "search", [[]])
        self.assertEqual((caught.exception.faultCode, caught.exception.faultString), ("AccessDenied", "Access Denied"))
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            models.execute_kw(self.db, self.uid, self.password, "res.partner", "search", [[("x", "=", 1)]])
        self.assertTrue(caught.exception.faultCode.startswith("warning -- UserError\n\nInvalid field"),
                        caught.exception.faultCode)
        self.assertEqual(caught.exception.faultString, "")

    # -- JSON-RPC ----------------------------------------------------------
    def test_jsonrpc_gives_the_same_answers(self):
        status, headers, answer = self.jsonrpc("common", "version")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        self.assertEqual(answer, {"jsonrpc": "2.0", "id": 7, "result": ODOO_VERSION})
        _, _, answer = self.jsonrpc("common", "authenticate", self.db, self.login, self.password, {})
        self.assertEqual(answer["result"], 2)
        _, _, answer = self.jsonrpc("common", "authenticate", self.db, self.login, "wrong", {})
        self.assertIs(answer["result"], False)
        domain = [("is_company", "=", True)]
        via_xml = self.execute("res.partner", "search_read", domain, fields=["name"], limit=3)
        _, _, answer = self.jsonrpc("object", "execute_kw", self.db, self.uid, self.password, "res.partner",
                                    "search_read", [domain], {"fields": ["name"], "limit": 3})
        self.assertEqual(answer["result"], via_xml)

    def test_jsonrpc_errors_have_odoos_shape_and_nothing_internal(self):
        _, _, answer = self.jsonrpc("object", "execute_kw", self.db, self.uid, "wrong", "res.partner", "search", [[]])
        self.assertEqual(answer["error"], {"code": 200, "message": "Odoo Server Error", "data": {
            "name": "odoo.exceptions.AccessDenied", "debug": "", "message": "Access Denied",
            "arguments": ["Access Denied"], "context": {}}})
        _, _, answer = self.jsonrpc("object", "execute_kw", self.db, self.uid, self.password, "res.partner",
                                    "search", [[("x", "=", 1)]])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.ValidationError")
        _, _, answer = self.jsonrpc("db", "list")
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessDenied")
        _, _, answer = self.jsonrpc("nope", "version")
        self.assertEqual(answer["error"]["data"]["name"], "builtins.KeyError")
        _, _, answer = self.jsonrpc(None, None, params={"service": "common"})
        self.assertEqual(answer["error"]["data"]["message"],
                         "RPC.jsonrpc() missing 2 required positional arguments: 'method' and 'args'")
        status, _, body = self.jsonrpc(None, None, raw=b"{not json")
        self.assertEqual((status, body), (400, b"Invalid JSON data"))
        status, _, _ = self.jsonrpc("common", "version", content_type="text/plain")
        self.assertEqual(status, 400)

    # -- hostile bodies ----------------------------------------------------
    def test_a_20_mb_body_is_refused_at_the_edge(self):
        body = b"<?xml version='1.0'?><methodCall><methodName>version</methodName><params><param><value><string>" \
               + b"A" * (20 * 1024 * 1024) + b"</string></value></param></params></methodCall>"
        try:
            status, _, _ = self.server.https("POST", "/xmlrpc/2/common", body=body,
                                             headers={"Content-Type": "text/xml"})
        except (ConnectionError, ssl.SSLError):
            status = 413  # the edge may close before reading the rest
        self.assertEqual(status, 413)

    def test_a_doctype_is_refused_and_no_entity_is_expanded(self):
        body = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>about</methodName><params><param><value><string>&xxe;&lol2;</string></value></param></params></methodCall>"""
        status, headers, data = self.server.https("POST", "/xmlrpc/2/common", body=body,
                                                  headers={"Content-Type": "text/xml"})
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/xml"))
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            xmlrpc.client.loads(data)
        self.assertEqual(caught.exception.faultCode, 1)
        self.assertIn("DOCTYPE", caught.exception.faultString)
        self.assertNotIn("root:", data.decode())


if __name__ == "__main__":
    unittest.main()
