"""The fake upstream must itself be right, or every other test here proves nothing."""

import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from fake_hf import FakeHub
from fake_hf_handler import parse_range
from hf_expectations import LEGACY, Q05, Q7, QWEN_COMMIT, REPOS_DIR, TABLE, original_bytes
from http_util import request


@pytest.fixture
def fake():
    with FakeHub(str(REPOS_DIR)) as hub:
        yield hub


def all_tree_pages(hub, repo, rev):
    url = f"{hub.url}/api/models/{repo}/tree/{rev}?recursive=true&expand=false"
    entries, pages = [], 0
    while url:
        response = request(url)
        assert response.status == 200, response.describe()
        entries += json.loads(response.body)
        pages += 1
        link = response.header("Link")
        url = link[1:link.index(">")] if link else None
    return entries, pages


@pytest.mark.parametrize("repo", [Q05, Q7, LEGACY])
def test_tree_identities_match_the_hf_md_table(fake, repo):
    entries, pages = all_tree_pages(fake, repo, "main")
    assert pages == -(-len(TABLE[repo]) // 3), "default page size is 3"
    by_path = {e["path"]: e for e in entries}
    assert set(by_path) == set(TABLE[repo])
    for path, (size, etag, oid, pointer_size) in TABLE[repo].items():
        entry = by_path[path]
        assert (entry["type"], entry["oid"], entry["size"]) == ("file", oid, size), path
        if pointer_size is None:
            assert "lfs" not in entry, path
        else:
            assert entry["lfs"] == {"oid": etag, "size": size, "pointerSize": pointer_size}
            assert "xetHash" in entry, "the fake advertises Xet like the real Hub"


def test_commits(fake):
    for repo in (Q05, Q7):
        info = json.loads(request(f"{fake.url}/api/models/{repo}/revision/main").body)
        assert info["sha"] == QWEN_COMMIT and info["id"] == repo
        assert sorted(s["rfilename"] for s in info["siblings"]) == sorted(TABLE[repo])
    legacy = json.loads(request(f"{fake.url}/api/models/{LEGACY}/revision/main").body)["sha"]
    assert len(legacy) == 40 and legacy != QWEN_COMMIT


def test_blobs_true_siblings_carry_lfs_sha256(fake):
    info = json.loads(request(f"{fake.url}/api/models/{Q05}?blobs=true").body)
    sibling = {s["rfilename"]: s for s in info["siblings"]}["model.safetensors"]
    size, etag, oid, pointer_size = TABLE[Q05]["model.safetensors"]
    assert sibling == {"rfilename": "model.safetensors", "size": size, "blobId": oid,
                       "lfs": {"sha256": etag, "size": size, "pointerSize": pointer_size}}


def test_paging_can_be_switched_off_and_links_are_absolute(fake):
    first = request(f"{fake.url}/api/models/{Q05}/tree/{QWEN_COMMIT}?recursive=true")
    assert first.header("Link").startswith(f"<{fake.url}/api/models/{Q05}/tree/{QWEN_COMMIT}?")
    fake.control({"page_size": 0})
    entries, pages = all_tree_pages(fake, Q05, "main")
    assert (pages, len(entries)) == (1, 8)


def test_errors(fake):
    missing_repo = request(f"{fake.url}/Nope/none/resolve/main/config.json", "HEAD")
    assert (missing_repo.status, missing_repo.header("X-Error-Code")) == (404, "RepoNotFound")
    missing_file = request(f"{fake.url}/{Q05}/resolve/main/nope.json", "HEAD")
    assert (missing_file.status, missing_file.header("X-Error-Code")) == (404, "EntryNotFound")
    assert missing_file.header("X-Repo-Commit") == QWEN_COMMIT
    bad_rev = request(f"{fake.url}/api/models/{Q05}/revision/nope")
    assert (bad_rev.status, bad_rev.header("X-Error-Code")) == (404, "RevisionNotFound")
    sub_path = request(f"{fake.url}/api/models/{Q05}/tree/main/additional_chat_templates")
    assert (sub_path.status, sub_path.header("X-Error-Code")) == (404, "EntryNotFound")


def test_regular_file_is_served_directly_and_lfs_redirects_to_the_cdn(fake):
    config = request(f"{fake.url}/{Q05}/resolve/main/config.json")
    assert config.status == 200 and config.body == original_bytes(Q05, "config.json")
    assert config.header("ETag") == f'"{TABLE[Q05]["config.json"][1]}"'
    lfs = request(f"{fake.url}/{Q05}/resolve/{QWEN_COMMIT}/model.safetensors")
    assert lfs.status == 302 and lfs.header("X-Linked-Size") == "189680"
    location = lfs.header("Location")
    assert location.startswith(fake.cdn_url) and fake.cdn_url != fake.url
    body = request(location)
    assert body.status == 200 and body.body == original_bytes(Q05, "model.safetensors")
    probe = request(location, headers={"Range": "bytes=0-0"})
    assert probe.status == 206 and probe.header("Content-Range") == "bytes 0-0/189680"
    past = request(location, headers={"Range": "bytes=189680-"})
    assert past.status == 416 and past.header("Content-Range") == "bytes */189680"


def test_gzip_only_when_asked(fake):
    plain = request(f"{fake.url}/{Q05}/resolve/main/config.json",
                    headers={"Accept-Encoding": "identity"})
    assert plain.header("Content-Encoding") is None
    zipped = request(f"{fake.url}/{Q05}/resolve/main/config.json",
                     headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.header("Content-Encoding") == "gzip"


def test_parse_range():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=5-", 10) == (5, 9)
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=3-100", 10) == (3, 9)
    assert parse_range("bytes=10-", 10) == "unsatisfiable"
    assert parse_range("bytes=5-1", 10) is None
    assert parse_range("bytes=0-1,4-5", 10) is None
    assert parse_range("items=0-1", 10) is None


def control(hub, body):
    response = request(f"{hub.url}/_control", "POST", {"Content-Type": "application/json"},
                       json.dumps(body).encode())
    assert response.status == 200, response.describe()


def cdn_location(hub, repo, path):
    return request(f"{hub.url}/{repo}/resolve/main/{path}").header("Location")


def test_control_endpoint_corrupt_and_clear(fake):
    control(fake, {"faults": [{"kind": "corrupt", "file": f"{Q05}/model.safetensors"}]})
    original = original_bytes(Q05, "model.safetensors")
    served = request(cdn_location(fake, Q05, "model.safetensors")).body
    assert len(served) == len(original) and served != original
    assert sum(a != b for a, b in zip(served, original)) == 1
    control(fake, {"clear_faults": True})
    assert request(cdn_location(fake, Q05, "model.safetensors")).body == original
    bad = request(f"{fake.url}/_control", "POST", body=b'{"faults":[{"kind":"melt"}]}')
    assert bad.status == 400


def test_truncate_short_serves_half_with_a_matching_length(fake):
    fake.add_fault(kind="truncate", file=f"{Q05}/config.json")
    served = request(f"{fake.url}/{Q05}/resolve/main/config.json")
    assert served.status == 200 and served.body == original_bytes(Q05, "config.json")[:392]


def test_truncate_close_and_drop_once_cut_the_body(fake):
    fake.add_fault(kind="truncate", how="close", file=f"{Q05}/tokenizer.json")
    fake.add_fault(kind="drop_once", file=f"{Q05}/model.safetensors")
    for _ in range(2):
        with pytest.raises(http.client.IncompleteRead):
            request(f"{fake.url}/{Q05}/resolve/main/tokenizer.json")
    location = cdn_location(fake, Q05, "model.safetensors")
    with pytest.raises(http.client.IncompleteRead) as cut:
        request(location)
    assert len(cut.value.partial) == 189680 // 2
    resumed = request(location, headers={"Range": f"bytes={189680 // 2}-"})
    assert resumed.status == 206
    assert cut.value.partial + resumed.body == original_bytes(Q05, "model.safetensors")
    stats = fake.stats()["files"][f"{Q05}/model.safetensors"]
    assert stats["ranges"] == [f"bytes={189680 // 2}-"] and stats["cdn"] == 2


def test_status_faults_count_down_and_carry_retry_after(fake):
    fake.add_fault(kind="status", status=503, times=2, file=f"{Q05}/config.json")
    fake.add_fault(kind="status", status=429, retry_after=7, times=1,
                   path=f"/api/models/{Q05}/revision/main")
    statuses = [request(f"{fake.url}/{Q05}/resolve/main/config.json").status for _ in range(3)]
    assert statuses == [503, 503, 200]
    limited = request(f"{fake.url}/api/models/{Q05}/revision/main")
    assert (limited.status, limited.header("Retry-After")) == (429, "7")
    assert request(f"{fake.url}/api/models/{Q05}/revision/main").status == 200
    stats = fake.stats()
    assert stats["files"][f"{Q05}/config.json"]["resolve"] == 3
    assert stats["paths"][f"/api/models/{Q05}/revision/main"] == 2


def test_stats_over_http_and_reset(fake):
    request(f"{fake.url}/{Q05}/resolve/main/LICENSE")
    stats = json.loads(request(f"{fake.url}/_stats").body)
    assert stats["files"][f"{Q05}/LICENSE"]["body_bytes"] == 29
    control(fake, {"reset_stats": True})
    assert json.loads(request(f"{fake.url}/_stats").body)["files"] == {}


def test_runs_standalone_and_prints_its_port():
    script = os.path.join(os.path.dirname(__file__), "fake_hf.py")
    proc = subprocess.Popen([sys.executable, script, "--repos", str(REPOS_DIR)],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        body = request(f"http://127.0.0.1:{port}/{Q05}/resolve/main/LICENSE").body
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(
            original_bytes(Q05, "LICENSE")).hexdigest()
    finally:
        proc.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        while proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
    assert proc.returncode == 0


def test_tree_entry_fault_replaces_or_adds_entries(fake):
    fake.control({"page_size": 0})
    fake.add_fault(kind="tree_entry", repo=Q05,
                   entry={"type": "file", "oid": "0" * 40, "size": 5, "path": "../escape"})
    fake.add_fault(kind="tree_entry", repo=Q05,
                   entry={"type": "file", "oid": "1" * 40, "size": 785, "path": "config.json"})
    entries = {e["path"]: e for e in all_tree_pages(fake, Q05, "main")[0]}
    assert entries["../escape"]["oid"] == "0" * 40
    assert entries["config.json"]["oid"] == "1" * 40 and len(entries) == 9
    fake.faults.clear()
    assert len(all_tree_pages(fake, Q05, "main")[0]) == 8


def test_delay_fault_holds_the_bytes_back(fake):
    fake.add_fault(kind="delay", seconds=0.5, file=f"{Q05}/LICENSE")
    started = time.monotonic()
    assert request(f"{fake.url}/{Q05}/resolve/main/LICENSE").body == original_bytes(Q05, "LICENSE")
    assert time.monotonic() - started >= 0.5
