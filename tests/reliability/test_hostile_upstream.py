"""A hostile upstream (issue 7, item 2): each fault either heals after retries (or on the next
configured endpoint), or fails the file with an error that names it and says why; a wrong byte is
never served and nothing of a failed pull is visible. Each test has its own fake hub and daemon.

Covered in tests/integration/test_corrupt.py and not repeated here: wrong bytes (corrupt), a body
shorter than its size (truncate), a transfer cut halfway every time, 503 twice then success, 429
with a short Retry-After honoured, a dropped transfer resumed with Range, ../ and absolute paths
in the tree, an LFS pointer that does not match."""

import time

import pytest

from fake_hf import FakeHub
from fake_hf_repos import git_blob_id
from hf_expectations import Q05, QWEN_COMMIT, REPOS_DIR, TABLE
from mirrord_proc import policy_toml
from pull_checks import (assert_nothing_served, assert_served_intact, assert_store_consistent,
                         pull, upstream_requests)

LFS_FILE = "model.safetensors"
SIZE = TABLE[Q05][LFS_FILE][0]
REGULAR_FILE = "config.json"


def policies_for_q05():
    return policy_toml("qwen", Q05)


def fails_naming(daemon, path, *reasons, target="qwen"):
    """Pulls, expects exit 1 with a message naming `path` and one of `reasons`; returns it."""
    result, output = pull(daemon, target)
    assert result.returncode == 1, daemon.explain(result)
    assert path in output, daemon.explain(result)
    assert any(reason in output.lower() for reason in reasons), daemon.explain(result)
    return output


def heals_after_clearing(hub, daemon):
    hub.faults.clear()
    result, _ = pull(daemon)
    assert result.returncode == 0, daemon.explain(result)
    assert_served_intact(daemon, Q05)
    assert_store_consistent(daemon)


def part_files(daemon):
    tmp = daemon.state_dir / "tmp"
    return sorted(p.name for p in tmp.iterdir()) if tmp.is_dir() else []


@pytest.mark.parametrize("path", [LFS_FILE, REGULAR_FILE])
def test_endless_body_is_cut_at_the_declared_size(fresh_hub, make_daemon, path):
    fresh_hub.add_fault(kind="endless", file=f"{Q05}/{path}", seconds=60)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    started = time.monotonic()
    fails_naming(daemon, path, "size", "longer", "limit")
    assert time.monotonic() - started < 30, "an endless body was read for too long"
    sent = fresh_hub.stats()["files"][f"{Q05}/{path}"]["sent_bytes"]
    assert sent < TABLE[Q05][path][0] + (16 << 20), f"read {sent} bytes of an endless body"
    assert_nothing_served(daemon, Q05)
    assert not part_files(daemon), "bytes past the declared size were kept for a resume"
    heals_after_clearing(fresh_hub, daemon)


def test_body_longer_than_the_tree_says_fails_on_size(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="oversize", file=f"{Q05}/{LFS_FILE}", extra=4096)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    fails_naming(daemon, LFS_FILE, "size", "longer", "limit", "announced")
    assert_nothing_served(daemon, Q05)
    assert not part_files(daemon)
    heals_after_clearing(fresh_hub, daemon)


@pytest.mark.parametrize("kind,extra", [("lying_length", 1000), ("oversize", 1 << 20)])
@pytest.mark.parametrize("path", [LFS_FILE, REGULAR_FILE])
def test_content_length_larger_than_the_file_fails_on_its_header(fresh_hub, make_daemon, path,
                                                                 kind, extra):
    # A Content-Length above the manifest's size is refused before the body is used, whether the
    # body then keeps that promise (oversize) or not (lying_length).
    fresh_hub.add_fault(kind=kind, file=f"{Q05}/{path}", extra=extra)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    fails_naming(daemon, path, "announced", "size", "longer")
    assert_nothing_served(daemon, Q05)
    assert not part_files(daemon)
    heals_after_clearing(fresh_hub, daemon)


def test_content_length_smaller_than_the_body_is_resumed(fresh_hub, make_daemon):
    # The header says 1000 bytes fewer than are sent, once: the short transfer ends early, and the
    # rest comes with a Range request; the whole verifies.
    fresh_hub.add_fault(kind="lying_length", file=f"{Q05}/{LFS_FILE}", extra=-1000, times=1)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, _ = pull(daemon)
    assert result.returncode == 0, daemon.explain(result)
    ranges = fresh_hub.stats()["files"][f"{Q05}/{LFS_FILE}"]["ranges"]
    assert f"bytes={SIZE - 1000}-" in ranges, ranges
    assert_served_intact(daemon, Q05)
    assert_store_consistent(daemon)


def test_stall_mid_body_is_abandoned_and_resumed(fresh_hub, make_daemon):
    # The fetcher gives up on a transfer below 1 KiB/s for 30 s (FetcherOptions.low_speed_time),
    # then resumes the kept half with a Range request.
    fresh_hub.add_fault(kind="stall", file=f"{Q05}/{LFS_FILE}", seconds=45, times=1)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    started = time.monotonic()
    result, _ = pull(daemon)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, daemon.explain(result)
    assert 25 < elapsed < 44, f"the stalled transfer was abandoned after {elapsed:.1f}s"
    ranges = fresh_hub.stats()["files"][f"{Q05}/{LFS_FILE}"]["ranges"]
    assert any(r.startswith("bytes=") and not r.startswith("bytes=0-") for r in ranges), ranges
    assert_served_intact(daemon, Q05)


def test_connection_reset_once_resumes(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="reset", file=f"{Q05}/{LFS_FILE}", times=1)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, _ = pull(daemon)
    assert result.returncode == 0, daemon.explain(result)
    stats = fresh_hub.stats()["files"][f"{Q05}/{LFS_FILE}"]
    assert stats["cdn"] == 2 and stats["sent_bytes"] <= SIZE + 64 * 1024, stats
    assert_served_intact(daemon, Q05)


def test_connection_reset_every_time_fails_the_file(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="reset", file=f"{Q05}/{LFS_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    fails_naming(daemon, LFS_FILE, "reset", "recv", "failure when receiving", "ended at byte")
    assert_nothing_served(daemon, Q05)
    assert fresh_hub.stats()["files"][f"{Q05}/{LFS_FILE}"]["cdn"] >= 2, "never retried"
    heals_after_clearing(fresh_hub, daemon)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_twice_then_success(fresh_hub, make_daemon, status):
    fresh_hub.add_fault(kind="status", status=status, times=2, file=f"{Q05}/{REGULAR_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, _ = pull(daemon)
    assert result.returncode == 0, daemon.explain(result)
    statuses = [e["status"] for e in fresh_hub.stats()["log"]
                if e["file"] == f"{Q05}/{REGULAR_FILE}" and e["hop"] == "resolve"]
    assert statuses[:3] == [status, status, 200], statuses
    assert_served_intact(daemon, Q05)


def test_server_error_every_time_fails_with_the_status(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="status", status=502, file=f"{Q05}/{REGULAR_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    output = fails_naming(daemon, REGULAR_FILE, "502")
    assert "again" in output.lower() or "later" in output.lower(), output
    assert_nothing_served(daemon, Q05)
    heals_after_clearing(fresh_hub, daemon)


def test_failing_endpoint_is_replaced_by_the_next_one(make_daemon):
    with FakeHub(str(REPOS_DIR)) as broken, FakeHub(str(REPOS_DIR)) as healthy:
        broken.add_fault(kind="status", status=502, file=f"{Q05}/{LFS_FILE}")
        broken.add_fault(kind="status", status=503, file=f"{Q05}/{REGULAR_FILE}")
        daemon = make_daemon([broken.url, healthy.url], policies_for_q05())
        result, _ = pull(daemon)
        assert result.returncode == 0, daemon.explain(result)
        assert_served_intact(daemon, Q05)
        got = healthy.stats()["files"]
        assert got[f"{Q05}/{LFS_FILE}"]["sent_bytes"] == SIZE, got
        assert got[f"{Q05}/{REGULAR_FILE}"]["resolve"] >= 1, got


def test_plan_fails_over_when_the_first_endpoint_api_is_down(make_daemon):
    with FakeHub(str(REPOS_DIR)) as broken, FakeHub(str(REPOS_DIR)) as healthy:
        broken.add_fault(kind="status", status=503, path=f"/api/models/{Q05}/revision/main")
        daemon = make_daemon([broken.url, healthy.url], policies_for_q05())
        result, _ = pull(daemon)
        assert result.returncode == 0, daemon.explain(result)
        assert_served_intact(daemon, Q05)
        assert healthy.stats()["paths"].get(f"/api/models/{Q05}/revision/main") == 1


def test_429_with_a_far_retry_after_fails_promptly(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="status", status=429, retry_after=86400, file=f"{Q05}/{REGULAR_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    started = time.monotonic()
    output = fails_naming(daemon, REGULAR_FILE, "429")
    assert "retry-after" in output.lower(), output
    assert time.monotonic() - started < 30, "a worker waited for a day-long Retry-After"
    assert_nothing_served(daemon, Q05)


def test_redirect_loop_fails_the_file(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="redirect", how="loop", file=f"{Q05}/{LFS_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    fails_naming(daemon, LFS_FILE, "redirect")
    hops = [e for e in fresh_hub.stats()["log"] if e["file"] == f"{Q05}/{LFS_FILE}"]
    assert len(hops) <= 5 * 7, f"{len(hops)} requests: redirects are not bounded"
    assert_nothing_served(daemon, Q05)
    heals_after_clearing(fresh_hub, daemon)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x",
                                      "gopher://127.0.0.1:70/x"])
def test_redirect_to_another_scheme_is_refused(fresh_hub, make_daemon, location):
    fresh_hub.add_fault(kind="redirect", location=location, file=f"{Q05}/{REGULAR_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    fails_naming(daemon, REGULAR_FILE, "protocol", "redirect", "scheme")
    assert_nothing_served(daemon, Q05)


def test_redirect_to_another_host_gets_no_token(fresh_hub, make_daemon):
    # The LFS redirect names "localhost" instead of 127.0.0.1: another host for libcurl, which must
    # not see the bearer token; the bytes still verify.
    sha256 = TABLE[Q05][LFS_FILE][1]
    cdn_port = fresh_hub.cdn_url.rsplit(":", 1)[1]
    fresh_hub.add_fault(kind="redirect", file=f"{Q05}/{LFS_FILE}",
                        location=f"http://localhost:{cdn_port}/lfs/{Q05}/{sha256}?sig=x")
    secret = "hf_reliability_secret_token"
    daemon = make_daemon(fresh_hub, policies_for_q05(), token=secret)
    result, _ = pull(daemon)
    assert result.returncode == 0, daemon.explain(result)
    log = fresh_hub.stats()["log"]
    cdn = [e for e in log if e["hop"] == "cdn"]
    assert cdn and all(e["authorization"] is None for e in cdn), cdn
    assert any(e["authorization"] == f"Bearer {secret}" for e in log if e["hop"] == "resolve")
    assert_served_intact(daemon, Q05)


@pytest.mark.parametrize("body", ["{not json", "", "[]", "null", '{"id": "Qwen/x"}',
                                  '{"id": "../../etc", "sha": "' + QWEN_COMMIT + '"}',
                                  '{"id": "' + Q05 + '", "sha": "not-a-commit"}',
                                  '{"id": "' + Q05 + '", "sha": "' + QWEN_COMMIT[:39] + '"}',
                                  '{"id": "' + Q05 + '", "sha": "' + QWEN_COMMIT + '0"}',
                                  '{"id": ["' + Q05 + '"], "sha": "' + QWEN_COMMIT + '"}',
                                  "[" * 100000])
def test_invalid_revision_document_fails_the_plan(fresh_hub, make_daemon, body):
    fresh_hub.add_fault(kind="body", path=f"/api/models/{Q05}/revision/main", body=body)
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, output = pull(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert "revision" in output.lower() or "json" in output.lower() or "id" in output.lower(), (
        daemon.explain(result))
    assert not upstream_requests(fresh_hub), "files were fetched for a plan that failed"
    assert_nothing_served(daemon, Q05)


@pytest.mark.parametrize("body", ["{not json", "{}", '[{"type": "file"}]',
                                  '[{"type": "file", "path": "a", "oid": "x", "size": 1}]',
                                  '[{"type": "file", "path": "a", "size": -1, "oid": "'
                                  + "0" * 40 + '"}]',
                                  '[{"type": "file", "path": "a", "size": 1.5, "oid": "'
                                  + "0" * 40 + '"}]'])
def test_invalid_tree_page_fails_the_plan(fresh_hub, make_daemon, body):
    fresh_hub.add_fault(kind="body", body=body,
                        path=f"/api/models/{Q05}/tree/{QWEN_COMMIT}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, output = pull(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert "tree" in output.lower(), daemon.explain(result)
    assert not upstream_requests(fresh_hub)
    assert_nothing_served(daemon, Q05)


@pytest.mark.parametrize("hostile", ["..", ".", "a/./b", "a//b", "a/", "a\\..\\..\\b",
                                     "..\\escape", "x\u0000y", "line\nbreak", "C:\\Windows",
                                     "//etc/passwd", "a/" + "b" * 300, "x/" * 600 + "y"])
def test_hostile_path_in_the_tree_fails_the_plan(fresh_hub, make_daemon, hostile):
    fresh_hub.add_fault(kind="tree_entry", repo=Q05, entry={
        "type": "file", "oid": git_blob_id(b"evil"), "size": 4, "path": hostile})
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, output = pull(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert "path" in output.lower(), daemon.explain(result)
    assert not upstream_requests(fresh_hub), "files were fetched for a plan that must fail"
    assert_nothing_served(daemon, Q05)


def test_directory_entry_with_a_hostile_path_fails_the_plan(fresh_hub, make_daemon):
    fresh_hub.add_fault(kind="tree_entry", repo=Q05, entry={
        "type": "directory", "oid": "0" * 40, "size": 0, "path": "../outside"})
    daemon = make_daemon(fresh_hub, policies_for_q05())
    result, output = pull(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert "../outside" in output, daemon.explain(result)
    assert_nothing_served(daemon, Q05)


def test_error_messages_name_no_upstream_secret(fresh_hub, make_daemon):
    # A failing download's message may name the upstream host, never a query string (signed CDN
    # URLs carry credentials in it).
    fresh_hub.add_fault(kind="status", status=403, hop="cdn", file=f"{Q05}/{LFS_FILE}")
    daemon = make_daemon(fresh_hub, policies_for_q05())
    output = fails_naming(daemon, LFS_FILE, "403")
    assert "Signature=" not in output and "Key-Pair-Id" not in output, output
    assert "Signature=" not in daemon.log_path.read_text(errors="replace")
