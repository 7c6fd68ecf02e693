"""An operator's own certificate (--tls-cert/--tls-key), reloaded on SIGHUP;
a broken replacement is refused and the old certificate keeps serving."""
import hashlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import unittest

from citadel_harness import CitadelServer, short_tempdir, wait_until


def make_certificate(directory, name):
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-sha256", "-days", "30", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def served_fingerprint(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), 10) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def file_fingerprint(path):
    der = ssl.PEM_cert_to_DER_cert(open(path).read())
    return hashlib.sha256(der).hexdigest()


class TlsReloadTest(unittest.TestCase):
    def setUp(self):
        self.certs = short_tempdir("cit-certs-")
        self.first = make_certificate(self.certs, "first")
        self.second = make_certificate(self.certs, "second")
        self.live_cert = os.path.join(self.certs, "live.crt")
        self.live_key = os.path.join(self.certs, "live.key")
        shutil.copy(self.first[0], self.live_cert)
        shutil.copy(self.first[1], self.live_key)
        self.server = CitadelServer(extra_args=["--tls-cert", self.live_cert, "--tls-key", self.live_key])
        self.server.start()

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.server.data_dir, ignore_errors=True)
        shutil.rmtree(self.certs, ignore_errors=True)

    def test_sighup_swaps_the_certificate_and_a_broken_one_is_refused(self):
        port = self.server.https_port
        self.assertEqual(served_fingerprint(port), file_fingerprint(self.first[0]))
        self.assertNotIn("ca", self.server.banner, "no local CA is printed with an operator certificate")

        shutil.copy(self.second[0], self.live_cert)
        shutil.copy(self.second[1], self.live_key)
        self.server.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: served_fingerprint(port) == file_fingerprint(self.second[0]), 10))

        with open(self.live_cert, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
        self.server.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: any("reload failed" in r.get("msg", "")
                                               for r in self.server.log_records()), 10))
        self.assertEqual(served_fingerprint(port), file_fingerprint(self.second[0]))
        self.assertIsNone(self.server.proc.poll(), "a failed reload must not stop the server")


if __name__ == "__main__":
    unittest.main()
