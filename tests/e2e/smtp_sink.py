"""A local mail sink for e2e tests that speaks real SMTP: aiosmtpd (Debian's
python3-aiosmtpd) on a loopback port, requiring STARTTLS with a certificate
from a test CA made here with the openssl command, which the server under
test is told to trust ([mail] ca_file). Messages are kept with whether
their conversation was encrypted."""
import email
import email.policy
import os
import subprocess
import threading

from aiosmtpd.controller import Controller


def make_test_ca(directory):
    """A CA and a server certificate for localhost / 127.0.0.1; returns
    (ca_cert, server_cert, server_key) paths."""
    ca_key, ca_cert = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.crt")
    key, csr, cert = (os.path.join(directory, n) for n in ("smtp.key", "smtp.csr", "smtp.crt"))
    ext = os.path.join(directory, "smtp.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key,
        "-out", ca_cert, "-days", "2", "-subj", "/CN=Citadel e2e mail CA")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
        "-subj", "/CN=localhost")
    run("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
        "-days", "2", "-extfile", ext)
    return ca_cert, cert, key


class _Keeper:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                       "tls": session.ssl is not None, "message": message})
            self.sink.arrived.notify_all()
        return "250 Message accepted"


class SmtpSink:
    def __init__(self, port, tls_context=None):
        self.port = port
        self.messages = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        kwargs = {}
        if tls_context is not None:
            kwargs = {"tls_context": tls_context, "require_starttls": True}
        self.controller = Controller(_Keeper(self), hostname="127.0.0.1", port=port, **kwargs)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def wait_for(self, count, timeout=30):
        """The first `count` messages, waiting for them; raises on timeout."""
        with self.lock:
            if not self.arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError("expected %d mails, got %d" % (count, len(self.messages)))
            return list(self.messages[:count])

    def count(self):
        with self.lock:
            return len(self.messages)
