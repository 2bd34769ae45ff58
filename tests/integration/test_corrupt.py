"""A hostile or flaky upstream: bad bytes are never published, transient failures are retried,
cut transfers resume. Each test has its own fake upstream and daemon."""

import hashlib
import time

import pytest

from fake_hf_repos import git_blob_id
from hf_expectations import Q05, QWEN_COMMIT, TABLE, original_bytes, original_sha256
from http_util import request
from mirrord_proc import json_output

LFS_FILE = "model.safetensors"
SIZE = TABLE[Q05][LFS_FILE][0]


def pull_output(daemon, target="qwen"):
    result = daemon.ctl("pull", target)
    return result, result.stdout + result.stderr


def assert_nothing_served(daemon, repo):
    for rev in ("main", QWEN_COMMIT):
        for path in TABLE[repo]:
            head = request(f"{daemon.public_url}/{repo}/resolve/{rev}/{path}", "HEAD")
            assert (head.status, head.header("X-Error-Code")) == (404, "RepoNotFound"), (
                f"HEAD {rev}/{path}\n{head.describe()}")
    info = request(f"{daemon.public_url}/api/models/{repo}/revision/main")
    assert (info.status, info.header("X-Error-Code")) == (404, "RepoNotFound"), info.describe()
    listing = daemon.ctl("ls", "--json")
    assert listing.returncode == 0, daemon.explain(listing)
    assert not [r for r in json_output(listing)["repos"]
                if r["repo"] == repo and r["state"] == "published"], listing.stdout


def assert_served_intact(daemon, repo, path):
    response = request(f"{daemon.public_url}/{repo}/resolve/main/{path}")
    assert response.status == 200, response.describe()
    assert hashlib.sha256(response.body).hexdigest() == original_sha256(repo, path)


def upstream_file_stats(hub, path):
    return hub.stats()["files"].get(f"{Q05}/{path}", {"resolve": 0, "cdn": 0, "body_bytes": 0,
                                                        "ranges": []})


@pytest.mark.parametrize("path", [LFS_FILE, "config.json"])
def test_corrupt_file_fails_the_pull_and_publishes_nothing(fresh_hub, make_mirror, path):
    fresh_hub.add_fault(kind="corrupt", file=f"{Q05}/{path}")
    daemon = make_mirror(fresh_hub)
    result, output = pull_output(daemon)
    assert result.returncode == 1, daemon.explain(result)
    expected_digest = TABLE[Q05][path][1]  # sha256 for LFS files, the git blob id for others
    says_why = "digest" in output.lower() or "mismatch" in output.lower()
    assert path in output and expected_digest in output and says_why, daemon.explain(result)
    assert_nothing_served(daemon, Q05)
    fresh_hub.faults.clear()
    result, _ = pull_output(daemon)
    assert result.returncode == 0, daemon.explain(result)
    assert_served_intact(daemon, Q05, path)


def test_short_file_fails_on_size(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="truncate", how="short", file=f"{Q05}/{LFS_FILE}")
    daemon = make_mirror(fresh_hub)
    result, output = pull_output(daemon)
    assert result.returncode == 1, daemon.explain(result)
    lowered = output.lower()
    says_why = "size" in lowered or "digest" in lowered or (
        str(SIZE // 2) in output and str(SIZE) in output)  # "ended at byte N of M"
    assert LFS_FILE in output and says_why, daemon.explain(result)
    assert_nothing_served(daemon, Q05)
    fresh_hub.faults.clear()
    result, _ = pull_output(daemon)
    assert result.returncode == 0, daemon.explain(result)
    assert_served_intact(daemon, Q05, LFS_FILE)


def test_transfer_that_always_stops_halfway_fails(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="truncate", how="close", file=f"{Q05}/{LFS_FILE}")
    daemon = make_mirror(fresh_hub)
    result, output = pull_output(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert LFS_FILE in output, daemon.explain(result)
    assert_nothing_served(daemon, Q05)
    assert upstream_file_stats(fresh_hub, LFS_FILE)["cdn"] >= 2, "a cut transfer is retried"


def test_503_twice_then_success(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="status", status=503, times=2, file=f"{Q05}/{LFS_FILE}")
    daemon = make_mirror(fresh_hub)
    result, _ = pull_output(daemon)
    assert result.returncode == 0, daemon.explain(result)
    statuses = [e["status"] for e in fresh_hub.stats()["log"]
                if e["file"] == f"{Q05}/{LFS_FILE}" and e["hop"] == "resolve"]
    assert statuses[:3] == [503, 503, 302], statuses
    assert_served_intact(daemon, Q05, LFS_FILE)


def test_429_retry_after_is_honoured(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="status", status=429, retry_after=2, times=1,
                        file=f"{Q05}/config.json")
    daemon = make_mirror(fresh_hub)
    result, _ = pull_output(daemon)
    assert result.returncode == 0, daemon.explain(result)
    attempts = [e for e in fresh_hub.stats()["log"]
                if e["file"] == f"{Q05}/config.json" and e["hop"] == "resolve"]
    assert [e["status"] for e in attempts][:2] == [429, 200], attempts
    waited = attempts[1]["t"] - attempts[0]["t"]
    assert waited >= 1.9, f"retried after {waited:.2f}s despite Retry-After: 2"
    assert_served_intact(daemon, Q05, "config.json")


def test_mid_body_drop_resumes_with_range(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="drop_once", file=f"{Q05}/{LFS_FILE}")
    daemon = make_mirror(fresh_hub)
    result, _ = pull_output(daemon)
    assert result.returncode == 0, daemon.explain(result)
    stats = upstream_file_stats(fresh_hub, LFS_FILE)
    starts = [int(r[len("bytes="):].split("-")[0]) for r in stats["ranges"]
              if r.startswith("bytes=")]
    assert any(start > 0 for start in starts), f"no resuming Range request: {stats}"
    assert stats["body_bytes"] < SIZE * 3 // 2, f"re-fetched from the start: {stats}"
    assert_served_intact(daemon, Q05, LFS_FILE)


@pytest.mark.parametrize("hostile_path", ["../escape.json", "/etc/escape.json",
                                          "sub/../../escape.json"])
def test_hostile_path_in_the_tree_fails_the_plan(fresh_hub, make_mirror, hostile_path):
    fresh_hub.add_fault(kind="tree_entry", repo=Q05, entry={
        "type": "file", "oid": git_blob_id(b"evil"), "size": 4, "path": hostile_path})
    daemon = make_mirror(fresh_hub)
    result, output = pull_output(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert hostile_path in output, daemon.explain(result)
    assert_nothing_served(daemon, Q05)
    fetched = [e["path"] for e in fresh_hub.stats()["log"] if e["hop"] != "api"]
    assert fetched == [], f"files were fetched for a plan that must fail: {fetched}"


def test_lfs_entry_whose_pointer_id_does_not_match_fails(fresh_hub, make_mirror):
    size, sha256, _, pointer_size = TABLE[Q05][LFS_FILE]
    fresh_hub.add_fault(kind="tree_entry", repo=Q05, entry={
        "type": "file", "oid": git_blob_id(b"not the pointer"), "size": size, "path": LFS_FILE,
        "lfs": {"oid": sha256, "size": size, "pointerSize": pointer_size}})
    daemon = make_mirror(fresh_hub)
    result, output = pull_output(daemon)
    assert result.returncode == 1, daemon.explain(result)
    assert LFS_FILE in output, daemon.explain(result)
    assert_nothing_served(daemon, Q05)


def test_published_repo_is_served_with_the_upstream_gone(fresh_hub, make_mirror):
    daemon = make_mirror(fresh_hub)
    result, _ = pull_output(daemon)
    assert result.returncode == 0, daemon.explain(result)
    fresh_hub.stop()
    for path in TABLE[Q05]:
        started = time.monotonic()
        head = request(f"{daemon.public_url}/{Q05}/resolve/main/{path}", "HEAD", timeout=5)
        assert head.status == 200, head.describe()
        assert time.monotonic() - started < 1, f"HEAD {path} is slow with the upstream down"
        body = request(f"{daemon.public_url}/{Q05}/resolve/{QWEN_COMMIT}/{path}", timeout=5).body
        assert body == original_bytes(Q05, path)
