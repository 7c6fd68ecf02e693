"""A minimal browser for e2e tests of Citadel's pages: one cookie jar, forms
posted as application/x-www-form-urlencoded, redirects not followed (tests
look at them), hidden fields read from the HTML. Standard library only."""
import html.parser
import http.client
import re
import socket
import urllib.parse


class _FieldCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            if a.get("name"):
                self.fields[a["name"]] = a.get("value") or ""


def form_fields(page):
    collector = _FieldCollector()
    collector.feed(page)
    return collector.fields


class Browser:
    def __init__(self, server, source="127.0.0.1"):
        self.server = server
        self.source = source
        self.cookies = {}

    def request(self, method, path, fields=None, headers=None, raw_body=None):
        """(status, headers dict lower-cased, body text, list of Set-Cookie values)."""
        ctx = self.server.tls_context()
        sock = socket.create_connection(("127.0.0.1", self.server.https_port), 60, (self.source, 0))
        conn = http.client.HTTPSConnection("localhost", self.server.https_port, context=ctx, timeout=60)
        conn.sock = ctx.wrap_socket(sock, server_hostname="localhost")
        all_headers = dict(headers or {})
        if self.cookies:
            all_headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = raw_body
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            conn.request(method, path, body=body, headers=all_headers)
            resp = conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            set_cookies = resp.headers.get_all("Set-Cookie") or []
            for cookie in set_cookies:
                m = re.match(r"([^=;]+)=([^;]*)", cookie)
                if not m:
                    continue
                if "Max-Age=0" in cookie or m.group(2) == "":
                    self.cookies.pop(m.group(1), None)
                else:
                    self.cookies[m.group(1)] = m.group(2)
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), data, set_cookies
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def submit(self, path, page, values, drop=()):
        """Posts the page's form: its hidden fields, overridden by `values`."""
        fields = form_fields(page)
        fields.update(values)
        for name in drop:
            fields.pop(name, None)
        return self.request("POST", path, fields=fields)
