"""A recording reverse proxy in front of mirrord: every client of a test (urllib, pip, apt-get,
Node) talks to it, and it keeps each answer of the mirror whole (status line, headers, body), so
that a test can search every byte the clients were sent.

Give mirrord `public_url = proxy.url`, so that the absolute links it writes lead here too. Answers
are read whole before they are passed on (the test files are small).
"""

import http.client
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers of one hop only (RFC 9110 §7.6.1), never forwarded either way.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade"}


@dataclass
class Recorded:
    method: str
    path: str
    status_line: str
    headers: list  # (name, value) pairs as the mirror sent them
    body: bytes

    def raw(self):
        """The answer as bytes, for searching."""
        head = self.status_line + "\r\n" + "".join(f"{n}: {v}\r\n" for n, v in self.headers)
        return head.encode("latin-1", "replace") + b"\r\n" + self.body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _forward(self):
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {n: v for n, v in self.headers.items() if n.lower() not in HOP_BY_HOP}
        try:
            connection = http.client.HTTPConnection(*proxy.target, timeout=60)
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            connection.close()
        except OSError as error:  # the mirror is down (a restart): the proxy's own answer
            message = f"mirror unreachable: {error}\n".encode()
            self.send_response(502)
            self.send_header("Content-Length", str(len(message)))
            self.end_headers()
            self.wfile.write(message)
            return
        version = "HTTP/1.1" if answer.version == 11 else "HTTP/1.0"
        record = Recorded(self.command, self.path, f"{version} {answer.status} {answer.reason}",
                          answer.getheaders(), data)
        with proxy.lock:
            proxy.records.append(record)
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        if self.command == "HEAD":
            self.send_header("Content-Length", answer.getheader("Content-Length", "0"))
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _forward


class RecordingProxy:
    def __init__(self):
        self.target = None  # (host, port) of the mirror
        self.records = []
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def containing(self, needles):
        """(record, needle) for each recorded answer holding one of the byte strings."""
        with self.lock:
            records = list(self.records)
        return [(r, n) for r in records for n in needles if n in r.raw()]

    def close(self):
        self._server.shutdown()
        self._server.server_close()
