"""A stored password hash with fewer PBKDF2 rounds than the server's is
rehashed at the next successful sign-in (issue 6), against the real `citadel
serve`. Users written through the API are hashed at the server's configured
rounds (2,000 here); each test then stores a weaker hash (1,000 rounds, in
passlib's format, as an older server or an Odoo import left it) in the
tenant's database.

What users rely on: signing in keeps working through the upgrade, on
XML-RPC and on the web sign-in (whose new session must survive it), and the
upgrade happens once."""
import base64
import hashlib
import json
import os
import unittest
import urllib.request

from citadel_harness import ApiServerTest, wait_until


class PasswordRehashTest(ApiServerTest):
    CONFIG_TEXT = "[server]\npbkdf2_rounds = 2000\n"

    def stored_hash(self, uid):
        return self.server.psql(self.server.database_of(self.db), "SELECT password FROM res_users WHERE id = %d" % uid)

    def new_user(self, login, password):
        group = self.models.execute_kw(self.db, self.uid, self.password, "ir.model.data", "search_read",
                                       [[("module", "=", "base"), ("name", "=", "group_user")]],
                                       {"fields": ["res_id"]})[0]["res_id"]
        uid = self.models.execute_kw(self.db, self.uid, self.password, "res.users", "create",
                                     [{"name": login.title(), "login": login, "password": password,
                                       "groups_id": [(6, 0, [group])]}])
        self.assertTrue(self.stored_hash(uid).startswith("$pbkdf2-sha512$2000$"), "the server's rounds")
        self.server.psql(self.server.database_of(self.db), "UPDATE res_users SET password = '%s' WHERE id = %d" % (
            _passlib_pbkdf2_sha512(password, 1000), uid))
        return uid

    def upgrades_of(self, uid):
        return [r for r in self.server.log_records()
                if r.get("msg") == "password hash upgraded to the configured rounds" and r.get("uid") == str(uid)]

    def test_an_xmlrpc_sign_in_upgrades_the_hash_once(self):
        uid = self.new_user("rehash-bob", "staple battery horse correct")
        self.assertEqual(self.upgrades_of(uid), [])
        self.assertEqual(self.common.authenticate(self.db, "rehash-bob", "staple battery horse correct", {}), uid)
        # The server's log is read by a harness thread: give it a moment.
        self.assertTrue(wait_until(lambda: len(self.upgrades_of(uid)) == 1, timeout=10))
        self.assertEqual(self.upgrades_of(uid)[0]["rounds"], "2000")
        self.assertTrue(self.stored_hash(uid).startswith("$pbkdf2-sha512$2000$"), self.stored_hash(uid))
        self.assertEqual(self.common.authenticate(self.db, "rehash-bob", "staple battery horse correct", {}), uid)
        self.assertIs(self.common.authenticate(self.db, "rehash-bob", "wrong", {}), False)
        self.assertEqual(len(self.upgrades_of(uid)), 1, "once")
        self.assertEqual(self.models.execute_kw(self.db, uid, "staple battery horse correct", "res.partner",
                                                "search_count", [[]]) >= 0, True)
        self.assertEqual(self.upgrades_of(self.uid), [], "the admin's hash has the server's rounds already")

    def test_a_web_session_opened_by_the_upgrading_sign_in_stays_valid(self):
        uid = self.new_user("rehash-carol", "purple river under glass")
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "db": self.db, "login": "rehash-carol", "password": "purple river under glass"}}).encode()
        req = urllib.request.Request(self.base + "/web/session/authenticate", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            cookie = resp.headers["Set-Cookie"].split(";")[0]
            self.assertEqual(json.loads(resp.read())["result"]["uid"], uid)
        self.assertTrue(wait_until(lambda: len(self.upgrades_of(uid)) == 1, timeout=10))
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 2, "params": {}}).encode()
        req = urllib.request.Request(self.base + "/web/session/get_session_info", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Cookie": cookie})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as resp:
            answer = json.loads(resp.read())
        self.assertEqual(answer.get("result", {}).get("uid"), uid, answer)


def _passlib_pbkdf2_sha512(password, rounds):
    """passlib's pbkdf2_sha512 format (its "adapted" base64: '.' for '+', no
    padding), computed here: the weaker hash an older server stored."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, rounds)

    def ab64(raw):
        return base64.b64encode(raw).decode().rstrip("=").replace("+", ".")
    return "$pbkdf2-sha512$%d$%s$%s" % (rounds, ab64(salt), ab64(digest))


if __name__ == "__main__":
    unittest.main()
