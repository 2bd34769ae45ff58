#!/usr/bin/env python3
"""Fake PyPI-style upstreams for the integration tests (test code; shares nothing with mirrord).

One FakePypi is two listeners on 127.0.0.1 (port 0): the index host and a second "files" host for
off-site links. The index answers as one of two kinds:
  "json"  PEP 691 like pypi.org: application/vnd.pypi.simple.v1+json when the client asks for it
          (HTML otherwise), absolute file URLs on the files host, sha256, sizes, yank reasons.
  "html"  PEP 503 only, like download.pytorch.org/whl/<variant>/: a static text/html page whatever
          the Accept, with root-relative and relative hrefs on the index host and absolute hrefs
          to the files host, "+" written as %2B, data-upload-time, and a <!--TIMESTAMP--> comment
          that changes on every request.
Per file the listed hash can be the real one, absent, or a wrong one. Every request is logged.
"""

import hashlib
import html
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self._answer(send_body=False)

    def do_GET(self):
        self._answer(send_body=True)

    def _answer(self, send_body):
        fake = self.server.fake
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        fake.log.append((self.server.role, self.command, path, self.headers.get("Accept", "")))
        if self.headers.get("Authorization") is not None:
            fake.authorized.append(path)
        status, content_type, body = fake.respond(self.server.role, path,
                                                  self.headers.get("Accept", ""))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _Listener(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake, role):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.role = role

    def handle_error(self, request, client_address):
        pass


class FakePypi:
    """A running fake index. `projects` maps a normalized name to a list of fake_pypi_packages.Dist.
    Per filename, `listed_hash[filename]` may be "omit" or a 64-hex value to list instead of the
    real digest; `offsite` holds filenames served from the files host."""

    def __init__(self, kind, projects=None):
        assert kind in ("json", "html")
        self.kind = kind
        self.projects = dict(projects or {})
        self.listed_hash = {}
        self.offsite = set()
        self.log = []
        self.authorized = []  # paths of requests that carried an Authorization header
        self.served_bytes = {}  # filename -> bytes to serve instead of the dist's own
        self.outage = None  # an HTTP status to answer every request with (e.g. 503)
        self._listeners = []

    def __enter__(self):
        self._listeners = [_Listener(self, "index"), _Listener(self, "files")]
        for listener in self._listeners:
            threading.Thread(target=listener.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        for listener in self._listeners:
            listener.shutdown()
            listener.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._listeners[0].server_address[1]}"

    @property
    def files_url(self):
        return f"http://127.0.0.1:{self._listeners[1].server_address[1]}"

    @property
    def index_url(self):
        return self.url + ("/simple/" if self.kind == "json" else "/whl/cu124/")

    def requests(self, role=None):
        return [entry for entry in self.log if role is None or entry[0] == role]

    # -- what is served ---------------------------------------------------------------------

    def _dists(self):
        for dists in self.projects.values():
            yield from dists

    def _bytes(self, dist):
        return self.served_bytes.get(dist.filename, dist.data)

    def respond(self, role, path, accept):
        if self.outage is not None:
            return self.outage, "text/plain", b"upstream outage\n"
        if role == "files":
            return self._file(path, "/store/")
        if self.kind == "json" and path.startswith("/simple/"):
            return self._json_or_html_page(path[len("/simple/"):].strip("/"), accept)
        if self.kind == "html" and path.startswith("/whl/cu124/") and path.endswith("/"):
            return self._html_page(path[len("/whl/cu124/"):].strip("/"))
        return self._file(path, "/whl/")

    def _file(self, path, prefix):
        name = path[len(prefix):] if path.startswith(prefix) else None
        for dist in self._dists():
            if dist.filename == name or f"cu124/{dist.filename}" == name:
                return 200, "application/octet-stream", self._bytes(dist)
        return 404, "text/plain", b"no such file\n"

    def _claimed_hash(self, dist):
        listed = self.listed_hash.get(dist.filename)
        if listed == "omit":
            return None
        return listed or dist.sha256

    def _json_or_html_page(self, project, accept):
        dists = self.projects.get(project)
        if dists is None:
            return 404, "text/plain", b"not found\n"
        if JSON_TYPE not in accept:
            return self._html_page(project)
        files = []
        for dist in dists:
            entry = {"filename": dist.filename,
                     "url": f"{self.files_url}/store/{dist.filename}",
                     "hashes": {}, "size": len(self._bytes(dist))}
            claimed = self._claimed_hash(dist)
            if claimed:
                entry["hashes"]["sha256"] = claimed
            if dist.requires_python:
                entry["requires-python"] = dist.requires_python
            if dist.yanked is not None:
                entry["yanked"] = dist.yanked
            if dist.upload_time:
                entry["upload-time"] = dist.upload_time
            files.append(entry)
        page = {"meta": {"api-version": "1.1", "_last-serial": 1}, "name": project,
                "files": files}
        return 200, JSON_TYPE, json.dumps(page).encode()

    def _href(self, dist, position):
        quoted = urllib.parse.quote(dist.filename)  # "+" becomes %2B as on download.pytorch.org
        if self.kind == "json" or dist.filename in self.offsite:
            href = f"{self.files_url}/store/{quoted}"
        elif position % 2 == 0:
            href = f"/whl/{quoted}"  # root-relative, like the PyTorch index
        else:
            href = f"../{quoted}"  # relative to /whl/cu124/<project>/
        claimed = self._claimed_hash(dist)
        return href + (f"#sha256={claimed}" if claimed else "")

    def _html_page(self, project):
        dists = self.projects.get(project)
        if dists is None:
            return 404, "text/html", b"<html><body>404</body></html>"
        lines = ["<!DOCTYPE html>", "<html><body>", f"<h1>Links for {html.escape(project)}</h1>"]
        for position, dist in enumerate(dists):
            attributes = ""
            if dist.requires_python:
                attributes += f' data-requires-python="{html.escape(dist.requires_python)}"'
            if dist.yanked is not None:
                reason = "" if dist.yanked is True else dist.yanked
                attributes += f' data-yanked="{html.escape(reason)}"'
            if dist.upload_time:
                attributes += f' data-upload-time="{dist.upload_time}"'
            lines.append(f'<a href="{html.escape(self._href(dist, position))}"{attributes}>'
                         f"{html.escape(dist.filename)}</a><br/>")
        lines.append("</body></html>")
        lines.append(f"<!--TIMESTAMP {time.time_ns()}-->")
        return 200, "text/html", "\n".join(lines).encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()
