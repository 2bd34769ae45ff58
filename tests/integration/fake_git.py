#!/usr/bin/env python3
"""A git upstream for the integration tests: real `git http-backend` (smart HTTP) behind a tiny
threaded server on 127.0.0.1 (port 0), plus a Git LFS server for the objects git-lfs stored in
each repository's .git/lfs/objects.

Repositories are the folders (work trees or bare) under `root`; `url(name)` is their clone URL.
The LFS Batch API answers at <url>.git/info/lfs/objects/batch with hrefs to this server; request
counts are kept per kind so tests can assert that a mirror's clients never reach the upstream.

Standalone: python3 fake_git.py ROOT   (prints the port, then serves)
"""

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_BATCH = re.compile(r"^/(?P<repo>[A-Za-z0-9._/-]+?)(?:\.git)?/info/lfs/objects/batch$")
_OBJECT = re.compile(r"^/_lfs/(?P<repo>[A-Za-z0-9._/-]+)/(?P<oid>[0-9a-f]{64})$")
_LFS_MEDIA = "application/vnd.git-lfs+json"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self):
        upstream = self.server.upstream
        path, _, query = self.path.partition("?")
        body = self._read_body()
        batch = _BATCH.match(path)
        if batch and self.command == "POST":
            upstream.count("lfs_batch")
            return self._lfs_batch(batch.group("repo"), body)
        obj = _OBJECT.match(path)
        if obj and self.command == "GET":
            upstream.count("lfs_download")
            return self._lfs_object(obj.group("repo"), obj.group("oid"))
        upstream.count("git")
        return self._git(path, query, body)

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _lfs_dir(self, repo):
        base = self.server.upstream.root / repo
        return base / ".git" / "lfs" / "objects" if (base / ".git").is_dir() else base / "lfs" / "objects"

    def _lfs_path(self, repo, oid):
        return self._lfs_dir(repo) / oid[0:2] / oid[2:4] / oid

    def _lfs_batch(self, repo, body):
        try:
            request = json.loads(body)
        except ValueError:
            return self._send(422, b'{"message":"bad json"}', _LFS_MEDIA)
        if request.get("operation") != "download":
            return self._send(403, b'{"message":"read-only"}', _LFS_MEDIA)
        base = f"http://127.0.0.1:{self.server.server_address[1]}/_lfs/{repo}/"
        objects = []
        for item in request.get("objects", []):
            oid, size = item.get("oid", ""), item.get("size")
            path = self._lfs_path(repo, oid) if re.fullmatch(r"[0-9a-f]{64}", oid) else None
            if path is not None and path.is_file() and path.stat().st_size == size:
                objects.append({"oid": oid, "size": size, "authenticated": True,
                                "actions": {"download": {"href": base + oid}}})
            else:
                objects.append({"oid": oid, "size": size,
                                "error": {"code": 404, "message": "Object does not exist"}})
        payload = json.dumps({"transfer": "basic", "objects": objects}).encode()
        self._send(200, payload, _LFS_MEDIA)

    def _lfs_object(self, repo, oid):
        path = self._lfs_path(repo, oid)
        if not path.is_file():
            return self._send(404, b"not found", "text/plain")
        self._send(200, path.read_bytes(), "application/octet-stream")

    def _git(self, path, query, body):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.server.upstream.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.server.upstream.root),
        }
        for header, variable in (("Git-Protocol", "HTTP_GIT_PROTOCOL"),
                                 ("Content-Encoding", "HTTP_CONTENT_ENCODING")):
            if self.headers.get(header):
                env[variable] = self.headers[header]
        result = subprocess.run(["git", "http-backend"], input=body, capture_output=True, env=env,
                                timeout=120)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        content_type = next((v for n, v in headers if n.lower() == "content-type"), "text/plain")
        extra = [(n, v) for n, v in headers if n.lower() not in ("content-type", "content-length")]
        self._send(status, payload, content_type, extra)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream

    def handle_error(self, request, client_address):
        pass


class FakeGitUpstream:
    """A running upstream. Use as a context manager, or start()/stop()."""

    def __init__(self, root):
        self.root = Path(root)
        self._counts = {}
        self._lock = threading.Lock()
        self._server = None

    def start(self):
        self._server = _Server(self)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._server.server_address[1]

    def url(self, repo):
        return f"http://127.0.0.1:{self.port}/{repo}"

    def count(self, kind):
        with self._lock:
            self._counts[kind] = self._counts.get(kind, 0) + 1

    def counts(self):
        with self._lock:
            return dict(self._counts)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    upstream = FakeGitUpstream(sys.argv[1]).start()
    print(upstream.port, flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
