"""Replays every request that huggingface_hub and transformers made (client-transcript.jsonl)
against mirrord and checks each answer against protocols/hf.md sections 4, 5, 7, 8 and 9."""

import hashlib
import json
import re
import urllib.parse

import pytest

from hf_expectations import Q05, Q7, QWEN_COMMIT, TABLE, TRANSCRIPT, original_bytes
from http_util import request

# hf.md section 3.3: the form body huggingface_hub sends (the transcript does not record bodies).
PATHS_INFO_BODY = b"paths=config.json&paths=model.safetensors&paths=nope.json&expand=false"
RESOLVE_RE = re.compile(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")
CORS_EXPOSED = ["ETag", "X-Repo-Commit", "X-Linked-Etag", "X-Linked-Size", "X-Error-Code",
                "X-Error-Message", "Accept-Ranges", "Content-Range", "Content-Length"]


def recorded_requests():
    with open(TRANSCRIPT) as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return [r for r in records if "method" in r]


class Replay:
    """Checks one recorded request; collects every problem instead of stopping at the first."""

    def __init__(self, mirror, hub):
        self.mirror = mirror
        self.leaks = hub.host_ports
        self.problems = []

    def problem(self, record, text):
        self.problems.append(f"{record['method']} {record['path']}: {text}")

    def fetch(self, record, url):
        body = PATHS_INFO_BODY if record["method"] == "POST" else None
        return request(url, record["method"], record["headers"], body)

    def check_clean(self, record, response):
        for name, value in response.headers:
            if name.lower().startswith("x-xet"):
                self.problem(record, f"Xet header {name}: {value}")
            if name.lower() == "link" and "xet" in value.lower():
                self.problem(record, f"Xet link {value}")
        if b"xetHash" in response.body:
            self.problem(record, "xetHash in the body")
        everything = "\n".join(f"{k}: {v}" for k, v in response.headers).encode() + response.body
        for host_port in self.leaks:
            if host_port.encode() in everything:
                self.problem(record, f"the upstream's address {host_port} leaked")

    def run(self, record):
        response = self.fetch(record, self.mirror.public_url + record["path"])
        self.check_clean(record, response)
        expected = record["status"]
        if record["path"] == "/api/agent-harnesses":
            expected = (200, 404)  # hf.md E8: either answer is fine
        if response.status not in (expected if isinstance(expected, tuple) else (expected,)):
            return self.problem(record, f"status {response.status}, recorded {expected}\n"
                                        f"{response.describe()}")
        if response.status == 404:
            return self.check_404(record, response)
        match = RESOLVE_RE.match(record["path"].split("?")[0])
        if match:
            return self.check_resolve(record, response, match.group(1),
                                      urllib.parse.unquote(match.group(3)))
        if record["path"].startswith("/api/models/"):
            return self.check_api(record, response)
        return None

    def check_404(self, record, response):
        code = response.header("X-Error-Code")
        if code != record["note"]:
            self.problem(record, f"X-Error-Code {code!r}, recorded {record['note']!r}")
        if code == "EntryNotFound" and response.header("X-Repo-Commit") != QWEN_COMMIT:
            names = [name for name, _ in response.headers]
            self.problem(record, f"EntryNotFound without X-Repo-Commit {QWEN_COMMIT} "
                                 f"(X-Repo-Commit {response.header('X-Repo-Commit')!r}; "
                                 f"headers {names})")
        if record["method"] == "HEAD" and response.header("Content-Length") != "0":
            self.problem(record, f"HEAD 404 Content-Length {response.header('Content-Length')}")

    def check_resolve(self, record, response, repo, path):
        size, etag, _, pointer_size = TABLE[repo][path]
        wanted = {"X-Repo-Commit": QWEN_COMMIT, "ETag": f'"{etag}"',
                  "Content-Length": str(size), "Accept-Ranges": "bytes"}
        if pointer_size is not None:
            wanted.update({"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(size)})
        for name, value in wanted.items():
            if response.header(name) != value:
                self.problem(record, f"{name} {response.header(name)!r}, expected {value!r}")
        if response.header("Content-Encoding") is not None:
            self.problem(record, f"Content-Encoding {response.header('Content-Encoding')}")
        if "xet" in (response.header("Content-Type") or ""):
            self.problem(record, f"Content-Type {response.header('Content-Type')}")
        if record["method"] == "GET" and response.body != original_bytes(repo, path):
            digest = hashlib.sha256(response.body).hexdigest()
            self.problem(record, f"body sha256 {digest} ({len(response.body)} bytes) differs")

    def check_api(self, record, response):
        if not (response.header("Content-Type") or "").startswith("application/json"):
            self.problem(record, f"Content-Type {response.header('Content-Type')}")
        repo = Q7 if f"/{Q7}/" in record["path"] + "/" else Q05
        document = json.loads(response.body)
        if "/tree/" in record["path"]:
            return self.check_tree(record, response, repo, document)
        if "/paths-info/" in record["path"]:
            return self.check_entries(record, repo, document, ["config.json", "model.safetensors"])
        return self.check_info(record, repo, document)

    def check_info(self, record, repo, info):
        if info.get("id") != repo or info.get("sha") != QWEN_COMMIT:
            return self.problem(record, f"id/sha {info.get('id')!r}/{info.get('sha')!r}")
        siblings = {s["rfilename"]: s for s in info.get("siblings", [])}
        if set(siblings) != set(TABLE[repo]):
            return self.problem(record, f"siblings {sorted(siblings)}")
        if "blobs=true" not in record["path"]:
            return None
        for path, (size, etag, oid, pointer_size) in TABLE[repo].items():
            want = {"rfilename": path, "size": size, "blobId": oid}
            if pointer_size is not None:
                want["lfs"] = {"sha256": etag, "size": size, "pointerSize": pointer_size}
            got = {k: siblings[path].get(k) for k in want}
            if got != want or (pointer_size is None and "lfs" in siblings[path]):
                self.problem(record, f"sibling {siblings[path]}, expected {want}")
        return None

    def check_tree(self, record, response, repo, entries):
        link = response.header("Link")
        while link:
            url = re.match(r'<([^>]+)>;\s*rel="next"', link)
            if not url or not url.group(1).startswith(self.mirror.public_url + "/"):
                return self.problem(record, f"Link is not absolute on the mirror: {link}")
            page = request(url.group(1), "GET", record["headers"])
            self.check_clean(record, page)
            entries = entries + json.loads(page.body)
            link = page.header("Link")
        self.check_entries(record, repo, entries, sorted(TABLE[repo]))
        return None

    def check_entries(self, record, repo, entries, paths):
        by_path = {e.get("path"): e for e in entries}
        if sorted(by_path) != sorted(paths) or len(entries) != len(paths):
            return self.problem(record, f"entries for {sorted(by_path)}, expected {paths}")
        for path in paths:
            size, etag, oid, pointer_size = TABLE[repo][path]
            want = {"type": "file", "oid": oid, "size": size, "path": path}
            if pointer_size is not None:
                want["lfs"] = {"oid": etag, "size": size, "pointerSize": pointer_size}
            got = {k: v for k, v in by_path[path].items() if k in want or k == "lfs"}
            if got != want:
                self.problem(record, f"entry {by_path[path]}, expected {want}")
        return None


def test_replay_every_recorded_request(pulled_mirror, hub):
    records = recorded_requests()
    assert len(records) == 75
    upstream_requests_before = len(hub.stats()["log"])
    replay = Replay(pulled_mirror, hub)
    for record in records:
        replay.run(record)
    assert not replay.problems, f"{len(replay.problems)} problems:\n" + "\n".join(replay.problems)
    upstream = hub.stats()["log"][upstream_requests_before:]
    assert upstream == [], f"serving contacted the upstream: {upstream[:5]}"


def resolve_url(mirror, path, repo=Q05, rev="main"):
    return f"{mirror.public_url}/{repo}/resolve/{rev}/{path}"


@pytest.mark.parametrize("path", ["model.safetensors", "config.json"])
def test_ranges(pulled_mirror, path):
    data = original_bytes(Q05, path)
    total = len(data)
    cases = [("bytes=0-0", 206, f"bytes 0-0/{total}", data[:1]),
             ("bytes=10-", 206, f"bytes 10-{total - 1}/{total}", data[10:]),
             ("bytes=-5", 206, f"bytes {total - 5}-{total - 1}/{total}", data[-5:]),
             (f"bytes=5-{total + 100}", 206, f"bytes 5-{total - 1}/{total}", data[5:]),
             (f"bytes={total}-", 416, f"bytes */{total}", b""),
             ("bytes=9-3", 200, None, data)]
    for header, status, content_range, body in cases:
        response = request(resolve_url(pulled_mirror, path), "GET", {"Range": header})
        got = (response.status, response.header("Content-Range"))
        assert got == (status, content_range), f"Range {header}\n{response.describe()}"
        assert response.body == body, f"Range {header}: wrong bytes"
        if status != 416:
            assert response.header("Content-Length") == str(len(body))
            assert response.header("ETag") == f'"{TABLE[Q05][path][1]}"'
            assert response.header("X-Repo-Commit") == QWEN_COMMIT
    head = request(resolve_url(pulled_mirror, path), "HEAD", {"Range": "bytes=0-0"})
    assert (head.status, head.header("Content-Range")) == (206, f"bytes 0-0/{total}")


def assert_cors(response):
    assert response.header("Access-Control-Allow-Origin") == "*", response.describe()
    exposed = [h.strip().lower() for h in
               (response.header("Access-Control-Expose-Headers") or "").split(",")]
    missing = [h for h in CORS_EXPOSED if h.lower() not in exposed]
    assert not missing, f"not exposed: {missing}\n{response.describe()}"


def test_cors_on_every_answer_and_preflight(pulled_mirror):
    ok = request(resolve_url(pulled_mirror, "config.json"))
    partial = request(resolve_url(pulled_mirror, "config.json"), headers={"Range": "bytes=0-0"})
    missing = request(resolve_url(pulled_mirror, "nope.json"))
    assert (ok.status, partial.status, missing.status) == (200, 206, 404)
    for response in (ok, partial, missing):
        assert_cors(response)
    preflight = request(resolve_url(pulled_mirror, "config.json"), "OPTIONS",
                        {"Origin": "http://app.example", "Access-Control-Request-Method": "GET",
                         "Access-Control-Request-Headers": "range"})
    assert preflight.status == 204, preflight.describe()
    methods = {m.strip() for m in preflight.header("Access-Control-Allow-Methods").split(",")}
    assert {"GET", "HEAD", "POST", "OPTIONS"} <= methods
    allowed = {h.strip().lower() for h in preflight.header("Access-Control-Allow-Headers").split(",")}
    assert {"authorization", "range", "content-type", "accept"} <= allowed
    assert preflight.header("Access-Control-Max-Age") == "86400"


def test_xet_token_endpoints_are_404(pulled_mirror):
    for kind in ("xet-read-token", "xet-write-token"):
        response = request(f"{pulled_mirror.public_url}/api/models/{Q05}/{kind}/main")
        assert response.status == 404, response.describe()


@pytest.mark.parametrize("rev", ["main", "HEAD", QWEN_COMMIT])
def test_revision_forms(pulled_mirror, rev):
    info = request(f"{pulled_mirror.public_url}/api/models/{Q05}/revision/{rev}")
    assert info.status == 200, info.describe()
    assert json.loads(info.body)["sha"] == QWEN_COMMIT
    head = request(resolve_url(pulled_mirror, "config.json", rev=rev), "HEAD")
    assert (head.status, head.header("X-Repo-Commit")) == (200, QWEN_COMMIT), head.describe()
