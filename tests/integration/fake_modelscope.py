"""A fake ModelScope (test code; shares nothing with mirrord): serves the fixture repos' files at
/models/{org}/{name}/resolve/master/{path}, the download form of protocols/hf.md §13.2, on
127.0.0.1 (port 0). `forged` holds "org/name/path" keys whose served bytes have one byte flipped:
the same name and size with other content. Every request path is logged."""

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PREFIX = "/models/"
REVISION = "/resolve/master/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        fake = self.server.fake
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        fake.log.append(path)
        data = fake.file_bytes(path)
        if data is None:
            data = b"not found\n"
            self.send_response(404)
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeModelScope:
    def __init__(self, repos_dir):
        self.repos_dir = Path(repos_dir)
        self.forged = set()
        self.log = []
        self._server = None

    def __enter__(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def file_bytes(self, path):
        if not path.startswith(PREFIX) or REVISION not in path:
            return None
        repo, relative = path[len(PREFIX):].split(REVISION, 1)
        file = (self.repos_dir / repo / relative).resolve()
        if self.repos_dir.resolve() not in file.parents or not file.is_file():
            return None
        data = bytearray(file.read_bytes())
        if f"{repo}/{relative}" in self.forged and data:
            data[len(data) // 2] ^= 0x01
        return bytes(data)
