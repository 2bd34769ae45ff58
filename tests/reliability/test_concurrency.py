"""Concurrency (issue 7, item 5): many clients pull the same and different targets at once while
others download: every blob comes from the upstream once (single flight, also across repos that
share files; once per identity for bytes announced both as LFS and as a regular file), nothing
deadlocks, the catalog holds no duplicate, and a download is either "not
found" or the right bytes, never a partial snapshot."""

import hashlib
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fake_hf import FakeHub
from gen_repos import json_file, mixed_files, safetensors_file, write_repo
from http_util import request
from mirrord_proc import find_job, json_output, policy_toml
from pull_checks import assert_store_consistent
from rel_daemon import report

SHARED_LARGE = safetensors_file("shared-large", 1 << 20)
SHARED_SMALL = json_file("shared-small", 3000)
SHARED_BOTH = safetensors_file("shared-both", 256 * 1024)


def repo_files(seed):
    files = mixed_files(seed, large=2, large_size=512 * 1024, small=6)
    files["shared.safetensors"] = SHARED_LARGE   # LFS in every repo
    files["shared.json"] = SHARED_SMALL          # a regular file in every repo
    # The same bytes as an LFS file here and as a regular file elsewhere: two expectations
    # (sha256, git blob id) of one content.
    files["both-ways.safetensors" if seed % 2 else "both-ways.txt"] = SHARED_BOTH
    return files


REPOS = {f"conc/r{i}": repo_files(100 + i) for i in range(4)}


@pytest.fixture
def hub(tmp_path):
    for repo, files in REPOS.items():
        write_repo(tmp_path / "repos", repo, files)
    with FakeHub(str(tmp_path / "repos"), page_size=100) as fake:
        for repo, files in REPOS.items():
            for path in files:
                fake.add_fault(kind="throttle", file=f"{repo}/{path}",
                               bytes_per_second=512 * 1024)
        yield fake


def policies():
    return "\n".join(policy_toml(f"r{i}", repo) for i, repo in enumerate(REPOS))


def fetched_per_content(hub):
    """sha256 -> bytes the upstream sent for that content, over every repo and path holding it."""
    stats = hub.stats()["files"]
    sent = {}
    for repo, files in REPOS.items():
        for path, content in files.items():
            digest = hashlib.sha256(content).hexdigest()
            sent[digest] = sent.get(digest, 0) + stats.get(f"{repo}/{path}", {}).get(
                "sent_bytes", 0)
    return sent


def downloader(daemon, stop, wrong, answered):
    """Downloads every file of every repo over and over: 404 until published, then the bytes."""
    while not stop.is_set():
        for repo, files in REPOS.items():
            for path, content in list(files.items())[:4]:
                got = request(f"{daemon.public_url}/{repo}/resolve/main/{path}", timeout=30)
                if got.status == 200:
                    answered.append(1)
                    if got.body != content:
                        wrong.append((repo, path, "bytes"))
                elif got.status != 404:
                    wrong.append((repo, path, got.status))


def test_many_concurrent_pulls_and_downloads(hub, make_daemon):
    daemon = make_daemon(hub, policies(), pull={"parallel_pulls": 4, "parallel_files": 4})
    targets = [f"r{i % len(REPOS)}" for i in range(16)]  # four clients per target
    start = threading.Barrier(len(targets))
    stop = threading.Event()
    wrong, answered = [], []

    def pull(target):
        start.wait()
        return target, daemon.ctl("--json", "pull", target, timeout=300)

    readers = [threading.Thread(target=downloader, args=(daemon, stop, wrong, answered))
               for _ in range(6)]
    for reader in readers:
        reader.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(len(targets)) as pool:
            results = list(pool.map(pull, targets))
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    elapsed = time.monotonic() - started

    jobs = {}
    for target, result in results:
        assert result.returncode == 0, daemon.explain(result)
        jobs.setdefault(target, set()).add(find_job(json_output(result))["id"])
    assert all(len(ids) == 1 for ids in jobs.values()), f"clients of one target ran apart: {jobs}"
    assert wrong == [], wrong[:10]

    sent = fetched_per_content(hub)
    sizes = {hashlib.sha256(c).hexdigest(): len(c) for f in REPOS.values() for c in f.values()}
    both = hashlib.sha256(SHARED_BOTH).hexdigest()
    twice = {d: (sent[d], sizes[d]) for d in sizes if sent[d] != sizes[d] and d != both}
    assert not twice, f"contents fetched more (or less) than once: {twice}"
    # Announced once by sha256 (LFS) and once by git blob id, the same bytes cannot be known to be
    # one content before they arrive: at most one download per identity, stored once.
    assert sizes[both] <= sent[both] <= 2 * sizes[both], sent[both]

    for repo, files in REPOS.items():
        for path, content in files.items():
            got = request(f"{daemon.public_url}/{repo}/resolve/main/{path}")
            assert got.status == 200 and got.body == content, f"{repo}/{path}"
    assert_no_duplicate_rows(daemon)
    assert_store_consistent(daemon)
    report(f"concurrency: 16 pulls of 4 repos and 6 downloaders in {elapsed:.1f} s, "
           f"{len(answered)} downloads answered, every content fetched once")


def assert_no_duplicate_rows(daemon):
    db = sqlite3.connect(f"file:{daemon.state_dir / 'catalog.db'}?mode=ro", uri=True)
    try:
        checks = {
            "repos": "SELECT kind, name, COUNT(*) FROM repos GROUP BY kind, name "
                     "HAVING COUNT(*) > 1",
            "snapshots": "SELECT repo_id, commit_sha, COUNT(*) FROM snapshots "
                         "GROUP BY repo_id, commit_sha HAVING COUNT(*) > 1",
            "files": "SELECT snapshot_id, path, COUNT(*) FROM snapshot_files "
                     "GROUP BY snapshot_id, path HAVING COUNT(*) > 1",
            # '' is an LFS blob whose git id the ingest skipped (only its sha256 names it).
            "blobs by git id": "SELECT git_oid, COUNT(*) FROM blobs WHERE git_oid != '' "
                               "GROUP BY git_oid HAVING COUNT(*) > 1",
            "jobs": "SELECT key, COUNT(*) FROM jobs GROUP BY key HAVING COUNT(*) > 1",
        }
        for what, query in checks.items():
            rows = db.execute(query).fetchall()
            assert rows == [], f"duplicate {what}: {rows}"
        (snapshots,) = db.execute("SELECT COUNT(*) FROM snapshots").fetchone()
        assert snapshots == len(REPOS)
    finally:
        db.close()
