"""The request handler of the fake Hugging Face hub (see fake_hf.py): routing, the hub API,
resolve with its LFS redirect, the CDN, and where each injected fault bites."""

import base64
import gzip
import json
import os
import socket
import struct
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

CHUNK = 16 * 1024


class _BodyMode:
    """How the byte faults of one response change the way its body is sent."""

    def __init__(self):
        self.cut_after_half = False  # close after half the body
        self.extra_length = 0        # Content-Length announces this many bytes more than sent
        self.stall_seconds = None    # pause after half the body
        self.reset = False           # RST after half the body
        self.rate = None             # bytes per second

    def whole(self):
        return not (self.cut_after_half or self.extra_length or self.reset)


def parse_range(header, total):
    """(start, end) inclusive for a single satisfiable range, "unsatisfiable", or None to ignore."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes="):].partition("-")
    try:
        if first == "":
            count = int(last)
            return (max(total - count, 0), total - 1) if count > 0 and total > 0 else None
        start, end = int(first), int(last) if last else total - 1
    except ValueError:
        return None
    if last and start > end:
        return None
    return "unsatisfiable" if start >= total else (start, min(end, total - 1))


class HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHF/1.0"

    def log_message(self, *args):  # keep test output quiet
        pass

    @property
    def hub(self):
        return self.server.hub

    # Plumbing
    def _split(self):
        raw_path, _, query = self.path.partition("?")
        return raw_path, urllib.parse.parse_qs(query, keep_blank_values=True)

    def _send(self, status, headers=(), body=b"", file_key=None, hop="api"):
        raw_path, _ = self._split()
        self.hub.faults.record(self.command, raw_path, status, hop, file_key,
                               self.headers.get("Range"), self.headers.get("Authorization"))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, status, value, headers=()):
        body = json.dumps(value).encode()
        self._send(status, [("Content-Type", "application/json; charset=utf-8"), *headers], body)

    def _error(self, status, code, message, headers=(), file_key=None, hop="api"):
        body = json.dumps({"error": message}).encode()
        head = [("Content-Type", "application/json; charset=utf-8"),
                ("X-Error-Message", message), *headers]
        if code:
            head.append(("X-Error-Code", code))
        self._send(status, head, body, file_key, hop)

    def _status_fault(self, file_key, hop):
        raw_path, _ = self._split()
        fault = self.hub.faults.take_status(file_key, raw_path, hop)
        if fault is None:
            return False
        headers = [("Retry-After", str(fault["retry_after"]))] if "retry_after" in fault else []
        self._error(fault["status"], None, f"injected {fault['status']}", headers, file_key, hop)
        return True

    def _body_fault(self, raw_path):
        fault = self.hub.faults.take_path_fault("body", None, raw_path)
        if fault is None:
            return False
        self._send(fault["status"], [("Content-Type", "application/json; charset=utf-8")],
                   fault["body"].encode("utf-8", "surrogateescape"))
        return True

    def _redirect_fault(self, file_key):
        raw_path, _ = self._split()
        fault = self.hub.faults.take_path_fault("redirect", file_key, raw_path)
        if fault is None:
            return False
        location = fault.get("location") or f"{self.hub.url}{self.path}"  # how="loop": itself
        self._send(302, [("Location", location)], b"", file_key, "resolve")
        return True

    # Dispatch
    def do_HEAD(self):
        self._dispatch()

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.request_body = self.rfile.read(length)
        self._dispatch()

    def _dispatch(self):
        raw_path, query = self._split()
        segments = [urllib.parse.unquote(s) for s in raw_path.strip("/").split("/")]
        if self.server.is_cdn:
            return self._cdn(segments)
        if raw_path == "/_control" and self.command == "POST":
            return self._control()
        if raw_path == "/_stats":
            return self._json(200, self.hub.faults.snapshot())
        if self._body_fault(raw_path):
            return None
        if self._status_fault(None, "resolve"):
            return None
        if segments[:2] == ["api", "models"] and len(segments) >= 4:
            return self._api(segments[2] + "/" + segments[3], segments[4:], query)
        if segments[0] in ("api", "datasets", "spaces", "kernels"):
            return self._error(404, "RepoNotFound", "Repository not found")
        if len(segments) >= 5 and segments[2] == "resolve":
            return self._resolve(segments[0] + "/" + segments[1], segments[3],
                                 "/".join(segments[4:]))
        return self._error(404, "RepoNotFound", "Repository not found")

    def _control(self):
        try:
            self.hub.control(json.loads(self.request_body or b"{}"))
        except (ValueError, TypeError) as exc:
            return self._json(400, {"error": str(exc)})
        return self._json(200, {"ok": True})

    def _repo_at(self, repo_id, revision):
        """(repo, commit), or None after answering the 404."""
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
            return None
        if revision not in ("main", "HEAD", repo.commit) and \
                repo.tags.get(revision) != repo.commit:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return None
        return repo, repo.commit

    # API
    def _api(self, repo_id, rest, query):
        if not rest:
            found = self._repo_at(repo_id, "main")
            return found and self._json(200, self._info(found[0], query))
        verb, args = rest[0], rest[1:]
        if verb == "revision" and args:
            found = self._repo_at(repo_id, "/".join(args))
            return found and self._json(200, self._info(found[0], query))
        if verb == "tree" and args:
            found = self._repo_at(repo_id, args[0])
            return found and self._tree(found[0], "/".join(args[1:]), query)
        if verb == "paths-info" and args and self.command == "POST":
            found = self._repo_at(repo_id, "/".join(args))
            return found and self._paths_info(found[0])
        if verb == "refs":
            found = self._repo_at(repo_id, "main")
            return found and self._json(200, {
                "branches": [{"name": "main", "ref": "refs/heads/main",
                              "targetCommit": found[1]}],
                "tags": [{"name": name, "ref": f"refs/tags/{name}", "targetCommit": commit}
                         for name, commit in sorted(found[0].tags.items())],
                "converts": []})
        return self._error(404, None, "Not found")

    def _info(self, repo, query):
        return repo.info(blobs=query.get("blobs", ["false"])[0] == "true")

    def _with_xet(self, entry):
        if self.hub.xet_hints and "lfs" in entry:
            entry = dict(entry, xetHash=str(entry["lfs"].get("oid", ""))[::-1])
        return entry

    def _listing(self, repo, sub_path, recursive):
        entries = repo.tree_entries(sub_path, recursive)
        injected = self.hub.faults.tree_entries(repo.repo_id)
        if entries is None or not injected:
            return entries
        merged = {e["path"]: e for e in entries}
        merged.update(injected)
        return sorted(merged.values(), key=lambda e: e["path"])

    def _tree(self, repo, sub_path, query):
        entries = self._listing(repo, sub_path, query.get("recursive", ["false"])[0] == "true")
        if entries is None:
            return self._error(404, "EntryNotFound", f"{sub_path} does not exist",
                               [("X-Repo-Commit", repo.commit)])
        cursor = query.get("cursor", [""])[0]
        start = int(base64.urlsafe_b64decode(cursor).decode()) if cursor else 0
        size = self.hub.page_size or len(entries) or 1
        page = [self._with_xet(e) for e in entries[start:start + size]]
        headers = []
        if start + size < len(entries):
            next_query = {k: v[0] for k, v in query.items()}
            next_query["cursor"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            raw_path, _ = self._split()
            link = f"{self.hub.url}{raw_path}?{urllib.parse.urlencode(next_query)}"
            headers.append(("Link", f'<{link}>; rel="next"'))
        return self._json(200, page, headers)

    def _paths_info(self, repo):
        body = self.request_body or b""
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            paths = json.loads(body).get("paths", [])
        else:
            paths = urllib.parse.parse_qs(body.decode()).get("paths", [])
        everything = {e["path"]: e for e in self._listing(repo, "", True)}
        return self._json(200, [self._with_xet(everything[p]) for p in paths
                                if p in everything])

    # Files
    def _resolve(self, repo_id, revision, path):
        found = self._repo_at(repo_id, revision)
        if not found:
            return None
        repo, commit = found
        f = repo.files.get(path)
        if f is None:
            return self._error(404, "EntryNotFound", f"{path} does not exist",
                               [("X-Repo-Commit", commit)])
        file_key = f"{repo_id}/{path}"
        if self._status_fault(file_key, "resolve") or self._redirect_fault(file_key):
            return None
        headers = [("X-Repo-Commit", commit), ("ETag", f'"{f.etag}"'),
                   ("Accept-Ranges", "bytes")]
        if not f.lfs:
            return self._serve_bytes(f.content, file_key, "resolve", headers)
        headers += [("X-Linked-Etag", f'"{f.sha256}"'), ("X-Linked-Size", str(f.size)),
                    ("Location", f"{self.hub.cdn_url}/lfs/{repo_id}/{f.sha256}"
                                 "?Expires=1999999999&Signature=fake&Key-Pair-Id=FAKE")]
        if self.hub.xet_hints:
            headers += [("X-Xet-Hash", f.sha256[::-1]),
                        ("Link", f'<{self.hub.url}/api/models/{repo_id}/xet-read-token/{commit}>;'
                                 ' rel="xet-auth"')]
        return self._send(302, headers, b"", file_key, "resolve")

    def _cdn(self, segments):
        if len(segments) < 4 or segments[0] != "lfs":
            return self._error(404, None, "Not found", hop="cdn")
        repo = self.hub.repos.get(segments[1] + "/" + segments[2])
        match = [f for f in (repo.files.values() if repo else []) if f.sha256 == segments[3]]
        if not match:
            return self._error(404, None, "Not found", hop="cdn")
        file_key = f"{repo.repo_id}/{match[0].path}"
        if self._status_fault(file_key, "cdn"):
            return None
        return self._serve_bytes(match[0].content, file_key, "cdn",
                                 [("ETag", f'"{match[0].sha256}"'), ("Accept-Ranges", "bytes")])

    def _serve_bytes(self, content, file_key, hop, headers):
        mode = _BodyMode()
        for fault in self.hub.faults.take_byte_faults(file_key):
            kind = fault["kind"]
            if kind == "corrupt" and content:
                middle = len(content) // 2
                content = content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1:]
            elif kind == "truncate" and fault["how"] == "short":
                content = content[:len(content) // 2]
            elif kind == "delay":
                time.sleep(float(fault.get("seconds", 1)))
            elif kind in ("truncate", "drop_once"):
                mode.cut_after_half = True
            elif kind == "oversize":
                content = content + bytes(int(fault.get("extra", 4096)))
            elif kind == "endless":
                return self._serve_endless(content, file_key, hop, headers,
                                           float(fault.get("seconds", 120)))
            elif kind == "lying_length":
                mode.extra_length = int(fault.get("extra", 1000))
            elif kind == "stall":
                mode.stall_seconds = float(fault.get("seconds", 40))
            elif kind == "reset":
                mode.reset = True
            elif kind == "throttle":
                mode.rate = float(fault["bytes_per_second"])
        full_size = len(content)
        headers = [*headers, ("Content-Type", "application/octet-stream")]
        wanted = parse_range(self.headers.get("Range"), full_size)
        if wanted == "unsatisfiable":
            return self._send(416, [*headers, ("Content-Range", f"bytes */{full_size}")],
                              b"", file_key, hop)
        status, start, body = 200, 0, content
        if wanted:
            status, start = 206, wanted[0]
            body = content[wanted[0]:wanted[1] + 1]
            headers.append(("Content-Range", f"bytes {wanted[0]}-{wanted[1]}/{full_size}"))
        accept = self.headers.get("Accept-Encoding") or ""
        if status == 200 and "gzip" in accept and hop == "resolve" and mode.whole():
            body = gzip.compress(body)  # huggingface.co compresses small text files when allowed
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(max(0, len(body) + mode.extra_length))))
        self._send(status, headers, b"", file_key, hop)
        if self.command == "HEAD":
            return None
        half = max(0, full_size // 2 - start)
        if mode.stall_seconds is not None:
            self._write_body(body[:half], file_key, mode.rate)
            time.sleep(mode.stall_seconds)
            self._write_body(body[half:], file_key, mode.rate)
        elif mode.reset:
            self._write_body(body[:half], file_key, mode.rate)
            self._reset_connection()
        else:
            limit = half if mode.cut_after_half else len(body)
            self._write_body(body[:limit], file_key, mode.rate)
            if limit < len(body) or mode.extra_length:
                self._drop_connection()
        return None

    def _serve_endless(self, content, file_key, hop, headers, seconds):
        """200 without a Content-Length: the file, then zeros until the client hangs up."""
        raw_path, _ = self._split()
        self.hub.faults.record(self.command, raw_path, 200, hop, file_key,
                               self.headers.get("Range"), self.headers.get("Authorization"))
        self.send_response(200)
        for name, value in [*headers, ("Content-Type", "application/octet-stream"),
                            ("Connection", "close")]:
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return None
        deadline = time.monotonic() + seconds
        try:
            self._write_body(content, file_key)
            zeros = bytes(CHUNK)
            while time.monotonic() < deadline:
                self._write_body(zeros, file_key)
        except OSError:
            pass  # the client stopped reading: what the fault is for
        return None

    def _write_body(self, body, file_key, rate=None):
        # Counted before writing, so a client that has read the body always sees it in /_stats;
        # sent_bytes counts what the socket actually took.
        self.hub.faults.add_body_bytes(file_key, len(body))
        chunk = CHUNK if rate is None else max(1024, min(CHUNK, int(rate / 20)))
        for offset in range(0, len(body), chunk):
            piece = body[offset:offset + chunk]
            self.wfile.write(piece)
            self.wfile.flush()
            self.hub.faults.add_sent_bytes(file_key, len(piece))
            if rate is not None:
                time.sleep(len(piece) / rate)
        self.wfile.flush()

    def _reset_connection(self):
        """Closes the socket with an RST instead of a FIN (SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            os.close(self.connection.detach())
        except OSError:
            pass

    def _drop_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
