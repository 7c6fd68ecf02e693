"""testssl.sh (Debian's `testssl`) against the real server: nothing below
Mozilla's "intermediate" profile is offered: TLS 1.2 and 1.3 only, ECDHE key
exchange, AEAD ciphers, no compression (CRIME), secure renegotiation only."""
import json
import os
import shutil
import subprocess
import unittest

from citadel_harness import CitadelServer

ALLOWED_TLS12 = {
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
}
ALLOWED_TLS13 = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}


@unittest.skipUnless(shutil.which("testssl"), "testssl.sh is not installed")
class TlsProfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = CitadelServer().start()
        report = os.path.join(cls.server.data_dir, "testssl.json")
        subprocess.run(["testssl", "--quiet", "--color", "0", "-p", "-s", "-f", "-E", "-R", "-C",
                        "--ip", "one", "--jsonfile", report, "127.0.0.1:%d" % cls.server.https_port],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                       timeout=300)
        with open(report) as f:
            cls.findings = {x["id"]: x for x in json.load(f)}

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def finding(self, key):
        self.assertIn(key, self.findings, "testssl reported no %s" % key)
        return self.findings[key]["finding"]

    def test_only_tls12_and_tls13(self):
        for old in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
            self.assertEqual(self.finding(old), "not offered", old)
        self.assertTrue(self.finding("TLS1_2").startswith("offered"))
        self.assertTrue(self.finding("TLS1_3").startswith("offered"))

    def test_no_weak_cipher_category(self):
        for category in ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
                         "cipherlist_3DES_IDEA", "cipherlist_AVERAGE"):
            self.assertEqual(self.finding(category), "not offered", category)
        self.assertEqual(self.finding("PFS"), "offered")

    def test_every_offered_cipher_is_ecdhe_aead(self):
        offered = [(k, v["finding"].split()[3]) for k, v in self.findings.items() if k.startswith("cipher-tls")]
        self.assertTrue(offered)
        for key, name in offered:
            allowed = ALLOWED_TLS13 if key.startswith("cipher-tls1_3") else ALLOWED_TLS12
            self.assertIn(name, allowed, key)

    def test_no_compression_and_no_client_renegotiation(self):
        self.assertTrue(self.finding("CRIME_TLS").startswith("not vulnerable"))
        self.assertTrue(self.finding("secure_client_renego").startswith("not vulnerable"))

    def test_nothing_rated_below_ok(self):
        bad = {k: v["finding"] for k, v in self.findings.items()
               if v["severity"] in ("LOW", "MEDIUM", "HIGH", "CRITICAL")}
        self.assertEqual(bad, {})


if __name__ == "__main__":
    unittest.main()
