"""testssl.sh (Debian's `testssl`) against the real server: nothing below
Mozilla's "intermediate" profile is offered: TLS 1.2 and 1.3 only, ECDHE key
exchange, AEAD ciphers, no compression (CRIME), secure renegotiation only.

Each cipher is tried on its own by a handshake offering only it (every
cipher OpenSSL knows, at security level 0 so the weak ones are sent too):
testssl's own per-cipher pass (-E) took 53-113 s of CI for the same answer."""
import json
import os
import shutil
import socket
import ssl
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
        subprocess.run(["testssl", "--quiet", "--color", "0", "-p", "-s", "-f", "-R", "-C",
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
        tls12 = [c for c in _openssl_ciphers() if c[1] != "TLSv1.3"]
        self.assertGreater(len(tls12), 100)  # the whole list, weak ones included
        offered = {name for name, _ in tls12 if self._tls12_accepts(name)}
        self.assertTrue(offered)
        self.assertLessEqual(offered, ALLOWED_TLS12)
        tls13 = {name for name, proto in _openssl_ciphers() if proto == "TLSv1.3"}
        tls13 |= {"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"}
        offered13 = {name for name in tls13 if self._tls13_accepts(name)}
        self.assertTrue(offered13)
        self.assertLessEqual(offered13, ALLOWED_TLS13)

    def _tls12_accepts(self, cipher):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(cipher + ":@SECLEVEL=0")
        try:
            with socket.create_connection(("127.0.0.1", self.server.https_port), timeout=10) as raw:
                with context.wrap_socket(raw) as tls:
                    return tls.cipher()[0] == cipher
        except (ssl.SSLError, ConnectionError):
            return False

    def _tls13_accepts(self, suite):
        # Python cannot choose TLS 1.3 suites; openssl s_client can.
        out = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.server.https_port,
                              "-tls1_3", "-ciphersuites", suite],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        return "Cipher is %s" % suite in out.stdout

    def test_no_compression_and_no_client_renegotiation(self):
        self.assertTrue(self.finding("CRIME_TLS").startswith("not vulnerable"))
        self.assertTrue(self.finding("secure_client_renego").startswith("not vulnerable"))

    def test_nothing_rated_below_ok(self):
        bad = {k: v["finding"] for k, v in self.findings.items()
               if v["severity"] in ("LOW", "MEDIUM", "HIGH", "CRITICAL")}
        self.assertEqual(bad, {})


def _openssl_ciphers():
    """(name, protocol) of every cipher this OpenSSL knows."""
    out = subprocess.run(["openssl", "ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                         capture_output=True, text=True, check=True).stdout
    return [(line.split()[0], line.split()[1]) for line in out.splitlines() if line.strip()]


if __name__ == "__main__":
    unittest.main()
