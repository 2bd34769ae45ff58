"""/metrics, /healthz, /readyz, request ids and the access log, against a real daemon that pulled
from the fake hub: the counters move by exactly what the test did."""

import re
import shutil
import socket
import time

from hf_expectations import Q05, TABLE
from http_util import request
from mirrord_proc import Mirrord, TEST_POLICIES

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+]+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(url):
    """{(name, frozenset(labels)): value} of a /metrics page, every line checked."""
    response = request(url + "/metrics")
    assert response.status == 200, response.describe()
    assert response.header("Content-Type").startswith("text/plain; version=0.0.4")
    samples, typed = {}, set()
    for line in response.body.decode().splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("# HELP "):
            continue
        match = SAMPLE_RE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels = match.group(1), frozenset(LABEL_RE.findall(match.group(3) or ""))
        assert name in typed, f"{name} has no TYPE line before it"
        assert (name, labels) not in samples, f"series twice: {line}"
        samples[(name, labels)] = float(match.group(4))
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def resolve_url(daemon, path):
    return f"{daemon.public_url}/{Q05}/resolve/main/{path}"


def test_counters_move_by_what_was_pulled_and_served(fresh_hub, make_mirror):
    daemon = make_mirror(fresh_hub)
    started = time.time()
    before_pull = scrape(daemon.public_url)
    result = daemon.ctl("pull", "qwen")
    assert result.returncode == 0, daemon.explain(result)
    before = scrape(daemon.public_url)

    pulled_bytes = sum(size for size, *_ in TABLE[Q05].values())
    upstream = value(before, "mirrord_upstream_bytes_total") - \
        value(before_pull, "mirrord_upstream_bytes_total")
    assert upstream >= pulled_bytes, (upstream, pulled_bytes)
    assert value(before, "mirrord_pulls_total", result="succeeded") == 1
    assert value(before, "mirrord_store_blobs") >= len(TABLE[Q05])
    assert value(before, "mirrord_store_bytes") >= pulled_bytes
    assert value(before, "mirrord_jobs", state="queued") == 0
    synced = value(before, "mirrord_last_sync_timestamp_seconds", target="qwen")
    assert started - 1 <= synced <= time.time() + 1, synced

    downloaded = 0
    for path in ("config.json", "model.safetensors", "LICENSE"):
        response = request(resolve_url(daemon, path))
        assert response.status == 200, response.describe()
        downloaded += len(response.body)
    missing = request(resolve_url(daemon, "no-such-file.bin"))
    assert missing.status == 404, missing.describe()
    nowhere = request(daemon.public_url + "/nowhere")
    assert nowhere.status == 404
    after = scrape(daemon.public_url)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("mirrord_http_requests_total", route="hf_resolve", status="200") == 3
    assert delta("mirrord_http_requests_total", route="hf_resolve", status="404") == 1
    assert delta("mirrord_http_requests_total", route="other", status="404") == 1
    assert delta("mirrord_http_response_bytes_total", route="hf_resolve") == \
        downloaded + len(missing.body)
    assert delta("mirrord_http_requests_total", route="metrics", status="200") == 1, \
        "the scrape before this one is counted"
    assert delta("mirrord_upstream_bytes_total") == 0, "serving never fetches"
    routes = {dict(labels).get("route") for (name, labels) in after
              if name == "mirrord_http_requests_total"}
    assert routes <= {"health", "metrics", "ui", "hf_api", "hf_resolve", "pypi_simple",
                      "pypi_files", "apt", "git", "other"}, routes


def test_a_corrupt_upstream_file_counts_a_verify_failure(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="corrupt", file=f"{Q05}/config.json")
    daemon = make_mirror(fresh_hub)
    result = daemon.ctl("pull", "qwen")
    assert result.returncode == 1, daemon.explain(result)
    samples = scrape(daemon.public_url)
    assert value(samples, "mirrord_verify_failures_total", kind="digest") >= 1
    assert value(samples, "mirrord_pulls_total", result="failed") == 1
    assert value(samples, "mirrord_last_sync_timestamp_seconds", target="qwen") == 0


def test_health_and_readiness(fresh_hub, make_mirror):
    daemon = make_mirror(fresh_hub)
    assert request(daemon.public_url + "/healthz").body == b"ok\n"
    ready = request(daemon.public_url + "/readyz")
    assert (ready.status, ready.body) == (200, b"ready\n"), ready.describe()
    # A store that cannot take a new file: its tmp/ replaced by a regular file (this fails for
    # root too, unlike a chmod).
    tmp = daemon.state_dir / "tmp"
    shutil.rmtree(tmp)
    tmp.write_text("in the way")
    try:
        deadline = time.time() + 5
        while True:
            broken = request(daemon.public_url + "/readyz")
            if broken.status == 503 or time.time() > deadline:
                break
            time.sleep(0.2)
        assert broken.status == 503, broken.describe()
        assert b"store not writable" in broken.body, broken.describe()
        assert request(daemon.public_url + "/healthz").status == 200, "alive, only not ready"
    finally:
        tmp.unlink()
        tmp.mkdir()
    deadline = time.time() + 5
    while request(daemon.public_url + "/readyz").status != 200:
        assert time.time() < deadline, "readyz did not recover"
        time.sleep(0.2)


def test_request_ids_and_structured_access_log(fresh_hub, make_mirror):
    daemon = make_mirror(fresh_hub)
    echoed = request(daemon.public_url + "/healthz", headers={"X-Request-Id": "lb-42.abc_Z:9"})
    assert echoed.header("X-Request-Id") == "lb-42.abc_Z:9"
    hostile = request(daemon.public_url + "/healthz", headers={"X-Request-Id": "a b\"c=d"})
    made = hostile.header("X-Request-Id")
    assert re.fullmatch(r"[0-9a-f]{16}", made), made
    generated = request(daemon.public_url + "/nowhere").header("X-Request-Id")
    assert re.fullmatch(r"[0-9a-f]{16}", generated) and generated != made
    deadline = time.time() + 5
    # Access lines are written in batches per server thread: wait for the last request's line.
    while generated not in daemon.log_path.read_text() and time.time() < deadline:
        time.sleep(0.1)
    lines = [line for line in daemon.log_path.read_text().splitlines()
             if line.startswith("<6>http ")]
    fields = [dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', line)) for line in lines]
    mine = [f for f in fields if f.get("id") == "lb-42.abc_Z:9"]
    assert len(mine) == 1, lines
    assert mine[0]["method"] == "GET" and mine[0]["target"] == "/healthz"
    assert mine[0]["status"] == "200" and mine[0]["bytes"] == "3"
    assert any(f.get("id") == generated and f.get("status") == "404" for f in fields), lines


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_metrics_listen_serves_metrics_alone(fresh_hub):
    daemon = Mirrord([fresh_hub.url], TEST_POLICIES)
    port = free_port()
    text = daemon.config_path.read_text()
    daemon.config_path.write_text(
        text.replace("[server]\n", f'[server]\nmetrics_listen = "127.0.0.1:{port}"\n', 1))
    daemon.start()
    try:
        metrics_url = f"http://127.0.0.1:{port}"
        assert value(scrape(metrics_url), "mirrord_pulls_total", result="succeeded") == 0
        assert request(metrics_url + "/readyz").status == 200
        assert request(metrics_url + f"/{Q05}/resolve/main/config.json").status == 404, \
            "only the observability routes there"
        assert request(metrics_url + "/").status == 404
    finally:
        daemon.cleanup()
