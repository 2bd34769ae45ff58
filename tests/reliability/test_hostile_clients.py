"""Hostile clients on the public port (issue 7, item 3): traversal in every encoding, request
smuggling, oversized and too many headers, range abuse, request storms. Each gets a 4xx or is
closed, nothing outside the published blobs is ever sent, normal clients keep being answered, the
admin API is not there, and the daemon's memory does not grow. One daemon serves the whole module,
with Qwen2.5-0.5B published."""

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fake_hf import FakeHub
from hf_expectations import Q05, Q7, REPOS_DIR, TABLE, original_bytes
from http_util import request
from mirrord_proc import TEST_POLICIES, json_output
from raw_http import connect, exchange, get, read_until_closed
from rel_daemon import Daemon, report, sanitized_build

LFS = f"/{Q05}/resolve/main/model.safetensors"
CONFIG = f"/{Q05}/resolve/main/config.json"
FORBIDDEN_BYTES = [b"root:x:0:0", b"SQLite format 3", b"[server]", b"admin_socket"]


@pytest.fixture(scope="module")
def served():
    with FakeHub(str(REPOS_DIR)) as hub:
        daemon = Daemon([hub.url], TEST_POLICIES).start()
        try:
            result = daemon.ctl("pull", "qwen")
            assert result.returncode == 0, daemon.explain(result)
            hub.stop()  # nothing below may need the upstream
            yield daemon
        finally:
            daemon.cleanup()


@pytest.fixture(scope="module")
def memory(served):
    """The daemon's RSS after a warm-up storm, and again at the end of the module."""
    storm(served, clients=8, requests=50)
    before = served.rss_kib()
    yield before
    after = served.rss_kib()
    report(f"hostile clients: daemon VmRSS {before} KiB before, {after} KiB after "
           f"({after - before:+d} KiB)")


def assert_still_serving(daemon):
    got = request(daemon.public_url + CONFIG, timeout=5)
    assert got.status == 200 and got.body == original_bytes(Q05, "config.json"), got.describe()


def assert_refused(result, what):
    assert result.status is None or 400 <= result.status < 500, f"{what}: {result.data[:300]!r}"
    for forbidden in FORBIDDEN_BYTES:
        assert forbidden not in result.data, f"{what}: served {forbidden!r}"


TRAVERSALS = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    f"/{Q05}/resolve/main/../../../../../etc/passwd",
    f"/{Q05}/resolve/main/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"/{Q05}/resolve/main/%2E%2E/%2E%2E/catalog.db",
    f"/{Q05}/resolve/main/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    f"/{Q05}/resolve/main/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    f"/{Q05}/resolve/main/%e0%80%ae%e0%80%ae/etc/passwd",
    f"/{Q05}/resolve/main/%%32%65%%32%65/etc/passwd",
    f"/{Q05}/resolve/main/..%5c..%5c..%5c..%5cetc%5cpasswd",
    f"/{Q05}/resolve/main/..\\..\\..\\..\\etc\\passwd",
    f"/{Q05}/resolve/main/config.json%00.png",
    f"/{Q05}/resolve/main/%00",
    f"/{Q05}/resolve/main/..%2f..%2f..%2f..%2fetc%2fpasswd",
    f"/{Q05}/resolve/main/..%2F..%2Fcatalog.db",
    f"/{Q05}/resolve/main/.%2e/.%2e/catalog.db",
    f"/{Q05}/resolve/main/./config.json",
    f"/{Q05}/resolve/%2e%2e/config.json",
    f"/{Q05}/resolve/main//config.json",
    f"/{Q05}/resolve/main/%2fetc%2fpasswd",
    f"/{Q05}/resolve/main/blobs/sha256",
    f"/Qwen/%2e%2e/resolve/main/config.json",
    f"/api/models/{Q05}/tree/main/..%2f..%2f..%2f..",
    f"/api/models/{Q05}/tree/main/%2e%2e",
    "/api/models/..%2F..%2Fetc/passwd",
    "/api/models/Qwen%2f..%2f..%2fetc/passwd",
    "/catalog.db", "/blobs/sha256/", "/tmp/", "/admin.sock", "/mirrord.toml",
    "//etc/passwd", "/.%2e/.%2e/etc/passwd", "/%u002e%u002e/etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_is_refused_in_every_encoding(served, memory, target):
    for method in ("GET", "HEAD"):
        result = exchange(served.public_url, get(target, [("Connection", "close")], method))
        assert_refused(result, f"{method} {target}")
    assert_still_serving(served)


def test_raw_nul_and_control_bytes_in_the_target_are_refused(served, memory):
    for target in (b"/a\x00b", b"/" + Q05.encode() + b"/resolve/main/config.json\x00",
                   b"/x\x01y", b"/x\x7fy", b"/x y"):
        result = exchange(served.public_url, b"GET " + target + b" HTTP/1.1\r\nHost: m\r\n\r\n")
        assert_refused(result, repr(target))
        assert result.status == 400 or (result.status is None and result.closed), result
    assert_still_serving(served)


SMUGGLING = {
    "te+cl": "POST /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: 4\r\n"
             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "cl+te": "POST /healthz HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: chunked\r\n"
             "Content-Length: 4\r\n\r\n0\r\n\r\n",
    "duplicate cl": "POST /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: 5\r\n"
                    "Content-Length: 6\r\n\r\nhello!",
    "equal duplicate cl": "POST /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: 5\r\n"
                          "Content-Length: 5\r\n\r\nhello",
    "listed cl": "POST /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: 5, 5\r\n\r\nhello",
    "negative cl": "POST /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: -1\r\n\r\n",
    "huge cl": "POST /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: 99999999999999999999\r\n\r\n",
    "te gzip": "POST /healthz HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
               "0\r\n\r\n",
    "te not chunked": "POST /healthz HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: xchunked\r\n\r\n",
    "two te": "POST /healthz HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: chunked\r\n"
              "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n",
    "get with body": "GET /healthz HTTP/1.1\r\nHost: m\r\nContent-Length: 5\r\n\r\nhello",
    "head with chunked body": "HEAD /healthz HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: chunked\r\n"
                              "\r\n0\r\n\r\n",
    "chunk size overflow": "POST /healthz HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: chunked\r\n"
                           "\r\nfffffffffffffffffffff\r\nx\r\n0\r\n\r\n",
    "absolute form": "GET http://evil.example/healthz HTTP/1.1\r\nHost: m\r\n\r\n",
    "bare lf in header": "GET /healthz HTTP/1.1\r\nHost: m\nX-A: b\r\n\r\n",
    "space before colon": "GET /healthz HTTP/1.1\r\nHost: m\r\nContent-Length : 5\r\n\r\nhello",
}


@pytest.mark.parametrize("name", sorted(SMUGGLING))
def test_ambiguous_framing_is_refused_and_closed(served, memory, name):
    # A second, smuggled request follows in the same bytes: it must never be answered.
    raw = SMUGGLING[name].encode() + get(f"/{Q7}/resolve/main/config.json")
    result = exchange(served.public_url, raw)
    assert result.statuses and 400 <= result.statuses[0] < 500, f"{name}: {result.data[:300]!r}"
    assert len(result.statuses) == 1, f"{name}: answered {result.statuses}"
    assert result.closed, f"{name}: the connection stayed open after a refusal"
    assert_still_serving(served)


@pytest.mark.parametrize("length", [9 * 1024, 64 * 1024, 1024 * 1024])
def test_oversized_request_line_is_refused(served, memory, length):
    target = f"/{Q05}/resolve/main/" + "a" * length
    result = exchange(served.public_url, get(target), timeout=10)
    assert result.status in (414, 431) or (result.status is None and result.closed), result
    assert result.closed
    assert_still_serving(served)


@pytest.mark.parametrize("headers", [
    [("X-Big", "v" * (20 * 1024))],
    [(f"X-H{i}", "v" * 100) for i in range(200)],
    [(f"X-H{i}", "v") for i in range(101)],
    [("X-H", "v")] * 5000,
    [("Cookie", "c" * 4000)] * 10,
], ids=["one 20 KiB header", "200 x 100 B", "101 fields", "5000 fields", "10 big cookies"])
def test_oversized_or_too_many_headers_are_refused(served, memory, headers):
    result = exchange(served.public_url, get(CONFIG, headers), timeout=10)
    assert result.status == 431 or (result.status is None and result.closed), result
    assert result.closed
    assert_still_serving(served)


def test_one_hundred_headers_are_still_served(served, memory):
    headers = [(f"X-H{i}", "v") for i in range(98)]  # with Host: 99 fields
    result = exchange(served.public_url, get(CONFIG, headers + [("Connection", "close")]))
    assert result.status == 200, result.data[:300]


@pytest.mark.parametrize("ranges", [
    ",".join(["0-"] * 1000),
    ",".join(f"{i}-{i}" for i in range(1500)),
    ",".join(["0-99999999"] * 500),
    ",".join(["-1"] * 1000),
    "0-0," * 2000 + "1-1",
])
def test_many_or_overlapping_ranges_send_the_file_once(served, memory, ranges):
    size = TABLE[Q05]["model.safetensors"][0]
    for _ in range(5):
        got = request(served.public_url + LFS, headers={"Range": f"bytes={ranges}"}, timeout=10)
        if got.status == 431:
            continue  # a header this long may also be refused outright
        assert got.status in (200, 416), got.describe()
        if got.status == 200:
            assert len(got.body) == size and got.header("Content-Range") is None
            assert got.body == original_bytes(Q05, "model.safetensors")
    assert_still_serving(served)


def storm(daemon, clients, requests):
    """`clients` threads each sending `requests` HEAD and GET requests (keep-alive) for the
    published files; returns the number of wrong answers."""
    wrong = []
    expected = {path: hashlib.sha256(original_bytes(Q05, path)).hexdigest() for path in TABLE[Q05]}

    def client(seed):
        import http.client
        host, port = daemon.public_url.rsplit("//", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        paths = sorted(expected)
        for i in range(requests):
            path = paths[(seed + i) % len(paths)]
            method = "HEAD" if (seed + i) % 3 == 0 else "GET"
            conn.request(method, f"/{Q05}/resolve/main/{path}")
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                wrong.append((method, path, response.status))
            elif method == "GET" and hashlib.sha256(body).hexdigest() != expected[path]:
                wrong.append((method, path, "bytes"))
        conn.close()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return wrong


def test_head_and_get_storm_is_answered_correctly(served, memory):
    started = time.monotonic()
    wrong = storm(served, clients=32, requests=150)
    elapsed = time.monotonic() - started
    assert wrong == [], wrong[:10]
    report(f"storm: 32 clients x 150 HEAD/GET answered in {elapsed:.1f} s")


def test_many_idle_and_half_open_connections_do_not_block_others(served, memory):
    idle = [connect(served.public_url) for _ in range(300)]
    half = []
    for _ in range(100):
        sock = connect(served.public_url)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: m\r\nX-Slow: ")
        half.append(sock)
    try:
        for _ in range(20):
            started = time.monotonic()
            assert_still_serving(served)
            assert time.monotonic() - started < 1.0, "a normal client waited behind idle sockets"
    finally:
        for sock in idle + half:
            sock.close()


def test_admin_api_is_not_on_the_public_port(served, memory):
    for method, target in [("GET", "/v1/status"), ("GET", "/v1/jobs"), ("GET", "/v1/repos"),
                           ("GET", "/v1/policies"), ("GET", "/v1/jobs/1"),
                           ("GET", "/%76%31/status"), ("GET", "/v1//status"),
                           ("GET", "/v1/status/"), ("GET", "/V1/STATUS")]:
        got = request(served.public_url + target, method)
        assert got.status in (400, 404, 405), f"{method} {target}: {got.describe()}"
        assert b"uptime" not in got.body and b"storage_root" not in got.body, got.describe()
    body = json.dumps({"target": "qwen-7b"})
    for target in ("/v1/pulls", "/v1/pulls/", "/%76%31/pulls"):
        got = request(served.public_url + target, "POST", {"Content-Type": "application/json"},
                      body)
        assert got.status in (400, 404, 405), got.describe()
    status = served.ctl("status", "--json")
    assert status.returncode == 0, served.explain(status)
    assert json_output(status)["jobs"] == [], "a pull was started from the public port"
    jobs = served.ctl("ls", "--json")
    assert all(r["repo"] != Q7 for r in json_output(jobs)["repos"])


@pytest.mark.skipif(sanitized_build(), reason="ASan keeps freed memory in quarantine")
def test_memory_does_not_grow_under_hostile_traffic(served, memory):
    for _ in range(3):
        for target in TRAVERSALS:
            exchange(served.public_url, get(target, [("Connection", "close")]))
        for name in SMUGGLING:
            exchange(served.public_url, SMUGGLING[name].encode())
        exchange(served.public_url, get(CONFIG, [(f"X-H{i}", "v" * 100) for i in range(200)]))
        request(served.public_url + LFS, headers={"Range": "bytes=" + ",".join(["0-"] * 1000)})
        storm(served, clients=16, requests=50)
    growth = served.rss_kib() - memory
    assert growth < 16 * 1024, f"VmRSS grew by {growth} KiB"


def test_slowloris_connections_are_cut_and_others_served(served, memory):
    # 200 connections each send one more header line every 2 s and never finish: the whole-head
    # deadline (ServerLimits::header_timeout, 20 s) closes them, while normal clients are answered
    # throughout.
    slow = []
    for _ in range(200):
        sock = connect(served.public_url, timeout=1)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: m\r\n")
        slow.append(sock)
    closed = set()
    stop = threading.Event()

    def drip():
        tick = 0
        while not stop.is_set():
            for i, sock in enumerate(slow):
                if i in closed:
                    continue
                try:
                    sock.sendall(f"X-Drip-{tick}: x\r\n".encode())
                except OSError:
                    closed.add(i)
            tick += 1
            stop.wait(2)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        worst = 0.0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            started = time.monotonic()
            assert_still_serving(served)
            worst = max(worst, time.monotonic() - started)
            time.sleep(0.25)
        for i, sock in enumerate(slow):
            if i not in closed and read_until_closed(sock, 0.05).closed:
                closed.add(i)
    finally:
        stop.set()
        dripper.join()
        for sock in slow:
            sock.close()
    report(f"slowloris: {len(closed)}/200 slow connections cut within 30 s; slowest normal "
           f"answer {worst * 1000:.0f} ms")
    assert worst < 1.0
    assert len(closed) == len(slow), f"only {len(closed)} of {len(slow)} slow connections cut"
