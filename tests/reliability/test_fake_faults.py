"""The faults this suite added to the fake hub (tests/integration/fake_hf_faults.py) do what they
say, so that a test relying on them proves something."""

import time

import pytest

from hf_expectations import Q05, TABLE, original_bytes
from http_util import request
from raw_http import exchange, get

CONFIG = "config.json"
SIZE = TABLE[Q05][CONFIG][0]
URL_PATH = f"/{Q05}/resolve/main/{CONFIG}"


def head_and_body(data):
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def content_length(head):
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            return int(value)
    return None


def test_endless_sends_past_the_file_without_a_length(fresh_hub):
    fresh_hub.add_fault(kind="endless", file=f"{Q05}/{CONFIG}", seconds=30)
    result = exchange(fresh_hub.url, get(URL_PATH), timeout=5, max_bytes=4 << 20)
    head, body = head_and_body(result.data)
    assert head.startswith("HTTP/1.1 200") and content_length(head) is None, head
    assert body.startswith(original_bytes(Q05, CONFIG)) and len(body) > 1000 * SIZE
    assert not result.closed, "the body ended"


def test_oversize_sends_more_with_a_matching_length(fresh_hub):
    fresh_hub.add_fault(kind="oversize", file=f"{Q05}/{CONFIG}", extra=100)
    got = request(fresh_hub.url + URL_PATH)
    assert got.status == 200 and len(got.body) == SIZE + 100
    assert got.body.startswith(original_bytes(Q05, CONFIG))


def test_lying_length_announces_more_than_it_sends(fresh_hub):
    fresh_hub.add_fault(kind="lying_length", file=f"{Q05}/{CONFIG}", extra=1000)
    result = exchange(fresh_hub.url, get(URL_PATH))
    head, body = head_and_body(result.data)
    assert content_length(head) == SIZE + 1000 and body == original_bytes(Q05, CONFIG)
    assert result.closed


def test_stall_pauses_after_half_then_heals(fresh_hub):
    fresh_hub.add_fault(kind="stall", file=f"{Q05}/{CONFIG}", seconds=1.5, times=1)
    started = time.monotonic()
    got = request(fresh_hub.url + URL_PATH)
    assert got.body == original_bytes(Q05, CONFIG) and time.monotonic() - started >= 1.4
    started = time.monotonic()
    assert request(fresh_hub.url + URL_PATH).status == 200
    assert time.monotonic() - started < 1.0, "the stall bit twice"


def test_reset_cuts_with_an_rst_after_half(fresh_hub):
    fresh_hub.add_fault(kind="reset", file=f"{Q05}/{CONFIG}", times=1)
    result = exchange(fresh_hub.url, get(URL_PATH))
    _, body = head_and_body(result.data)
    assert result.closed and len(body) == SIZE // 2, (len(body), result)
    assert request(fresh_hub.url + URL_PATH).body == original_bytes(Q05, CONFIG)


def test_throttle_limits_the_rate_and_counts_sent_bytes(fresh_hub):
    path = "model.safetensors"
    fresh_hub.add_fault(kind="throttle", file=f"{Q05}/{path}", bytes_per_second=400_000)
    sha256 = TABLE[Q05][path][1]
    started = time.monotonic()
    got = request(f"{fresh_hub.cdn_url}/lfs/{Q05}/{sha256}")
    elapsed = time.monotonic() - started
    assert got.body == original_bytes(Q05, path)
    assert elapsed >= TABLE[Q05][path][0] / 400_000 * 0.8, elapsed
    for _ in range(100):  # the server counts a chunk just after the client may have read it
        stats = fresh_hub.stats()["files"][f"{Q05}/{path}"]
        if stats["sent_bytes"] == len(got.body):
            break
        time.sleep(0.01)
    assert stats["sent_bytes"] == stats["body_bytes"] == len(got.body)


def test_redirect_loop_and_location(fresh_hub):
    fresh_hub.add_fault(kind="redirect", how="loop", file=f"{Q05}/{CONFIG}")
    got = request(fresh_hub.url + URL_PATH + "?x=1")
    assert got.status == 302 and got.header("Location") == fresh_hub.url + URL_PATH + "?x=1"
    fresh_hub.faults.clear()
    fresh_hub.add_fault(kind="redirect", location="file:///etc/passwd", file=f"{Q05}/{CONFIG}")
    assert request(fresh_hub.url + URL_PATH).header("Location") == "file:///etc/passwd"


def test_body_replaces_an_api_answer_a_number_of_times(fresh_hub):
    path = f"/api/models/{Q05}/revision/main"
    fresh_hub.add_fault(kind="body", path=path, body="{not json", status=200, times=1)
    first, second = request(fresh_hub.url + path), request(fresh_hub.url + path)
    assert (first.status, first.body) == (200, b"{not json")
    assert second.status == 200 and second.body.startswith(b"{")
    assert b'"sha"' in second.body


@pytest.mark.parametrize("fault", [{"kind": "throttle", "file": "x"},
                                   {"kind": "redirect", "file": "x"},
                                   {"kind": "body", "path": "/x"}])
def test_incomplete_faults_are_refused(fresh_hub, fault):
    with pytest.raises(ValueError):
        fresh_hub.add_fault(**fault)
