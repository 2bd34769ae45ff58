"""One HTTP request with http.client, with nothing done behind the caller's back (no redirects
followed, no decompression), so tests see exactly what a server sent."""

import http.client
import urllib.parse
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    headers: list  # [(name, value)] as received, in order
    body: bytes

    def header(self, name):
        """The value of the first header called `name` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def describe(self):
        lines = [f"HTTP {self.status}"] + [f"{k}: {v}" for k, v in self.headers]
        return "\n".join(lines) + "\n\n" + self.body[:400].decode("utf-8", "replace")


def request(url, method="GET", headers=None, body=None, timeout=30) -> Response:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(method, target, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        payload = response.read()
        return Response(response.status, list(response.getheaders()), payload)
    finally:
        conn.close()


def get(url, timeout=30):
    """(status, body) of a GET, whatever the status."""
    response = request(url, timeout=timeout)
    return response.status, response.body
