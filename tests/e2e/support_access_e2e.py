"""Support staff access (issue 6) against the real `citadel serve` over
HTTPS and the real CLI, as an operator, a staff member and a customer use it.

What they rely on: `citadel staff add` takes the password on standard input
and shows the TOTP secret once; staff cannot enter without a grant; the
customer's admin opens one over XML-RPC; staff sign in with password and a
TOTP code and then use any Odoo client with the session token, as the
support user, limited by the grant; a foreign page cannot post the sign-in
(Origin); disabling the account ends the session at the next call; the
customer reads every step in the audit and the chain verifies. TOTP codes
are computed here from the secret the CLI printed, as an authenticator app
would."""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
import unittest
import xmlrpc.client

from citadel_harness import ApiServerTest, run_cli


def staff_totp(secret_base32, step):
    """RFC 6238 with SHA-1, 6 digits, for time step `step`."""
    secret = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class SupportAccessTest(ApiServerTest):
    CONFIG_TEXT = '[server]\npbkdf2_rounds = 1000\n[limits]\nallow = ["127.0.0.0/8"]\n'

    def cli(self, *args, **kwargs):
        config = os.path.join(self.server.data_dir, "e2e.toml")
        return run_cli(*args, "--config", config, data_dir=self.server.data_dir, **kwargs)

    def post(self, path, params, headers=None):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}).encode()
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        status, _, data = self.server.https("POST", path, body, all_headers)
        return status, (json.loads(data) if status == 200 else data)

    def test_staff_enter_under_a_grant_and_the_customer_reads_the_audit(self):
        added = self.cli("staff", "add", "alice", input_text="a long staff password\n")
        self.assertEqual(added.returncode, 0, added.stderr)
        self.assertNotIn("a long staff password", added.stdout + added.stderr)
        self.assertIn("otpauth://totp/", added.stdout)
        secret = re.search(r"secret \(base32\): ([A-Z2-7]+)", added.stdout).group(1)
        listed = json.loads(self.cli("staff", "list", "--json").stdout)
        self.assertEqual([(s["login"], s["disabled"]) for s in listed], [("alice", False)])
        self.assertNotIn(secret, json.dumps(listed))
        self.assertEqual(self.cli("staff", "add", "bob", input_text="short\n").returncode, 2)

        step = int(time.time()) // 30
        ask = {"db": self.db, "login": "alice", "password": "a long staff password", "totp": staff_totp(secret, step)}
        status, answer = self.post("/citadel/support/session", ask)
        self.assertEqual(status, 200)
        self.assertIn("AccessDenied", json.dumps(answer["error"]), "no grant yet")

        grant = self.models.execute_kw(self.db, self.uid, self.password, "citadel.support.grant", "open_grant", [],
                                       {"models": ["res.partner"], "access": "read", "hours": 1})
        self.assertEqual(grant["access"], "read")
        ask["totp"] = staff_totp(secret, step + 1)
        status, _ = self.post("/citadel/support/session", ask, {"Origin": "https://evil.example"})
        self.assertEqual(status, 403, "a foreign page cannot post the sign-in")
        status, answer = self.post("/citadel/support/session", ask)
        self.assertEqual(status, 200)
        support_uid, token = answer["result"]["uid"], answer["result"]["token"]
        self.assertNotEqual(support_uid, self.uid)

        count = self.models.execute_kw(self.db, support_uid, token, "res.partner", "search_count", [[]])
        self.assertGreater(count, 0)
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            self.models.execute_kw(self.db, support_uid, token, "res.partner", "create", [{"name": "By support"}])
        self.assertIn("read-only", refused.exception.faultString)

        disabled = self.cli("staff", "disable", "alice")
        self.assertEqual(disabled.returncode, 0, disabled.stderr)
        with self.assertRaises(xmlrpc.client.Fault) as ended:
            self.models.execute_kw(self.db, support_uid, token, "res.partner", "search_count", [[]])
        self.assertIn("Access Denied", ended.exception.faultString)

        entries = self.models.execute_kw(self.db, self.uid, self.password, "citadel.support.audit", "read_entries",
                                         [], {"limit": 100})
        self.assertEqual([e["action"] for e in entries],
                         ["sign_in_refused", "grant_opened", "sign_in", "call", "call", "call_refused"])
        self.assertEqual(entries[0]["prev_hash"], "0" * 64)
        for before, after in zip(entries, entries[1:]):
            self.assertEqual(after["prev_hash"], before["hash"])
        verdict = self.models.execute_kw(self.db, self.uid, self.password, "citadel.support.audit", "verify_chain", [])
        self.assertEqual((verdict["ok"], verdict["entries"]), (True, 6))


if __name__ == "__main__":
    unittest.main()
