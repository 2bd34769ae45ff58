"""A full disk (issue 7, item 4): the store lives on a small tmpfs. A pull that runs out of space
fails with a message that says so, nothing of it is visible, the daemon keeps serving what it
holds, and the same pull succeeds once space is freed. Needs root to mount the tmpfs; skipped with
a message otherwise."""

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from fake_hf import FakeHub
from gen_repos import mixed_files, write_repo
from hf_expectations import Q05, REPOS_DIR
from http_util import request
from mirrord_proc import policy_toml
from pull_checks import assert_served_intact, assert_store_consistent, pull, served_siblings
from store_check import check_store

BIG = "disk/big"
DISK_BYTES = 32 << 20
POLICIES = policy_toml("qwen", Q05) + "\n" + policy_toml("big", BIG)


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("full-disk tests mount a tmpfs and need root (CI runs them as root)")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0700",
                              "mirrord-test", str(mount_point)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def big_hub(tmp_path):
    repos = tmp_path / "repos"
    files = mixed_files(11, large=2, large_size=6 << 20, small=10)
    write_repo(repos, BIG, files)
    for org in REPOS_DIR.iterdir():  # the Qwen fixtures beside it
        if org.is_dir():
            subprocess.run(["cp", "-r", str(org), str(repos)], check=True)
    with FakeHub(str(repos), page_size=100) as hub:
        yield hub, files


def fill(mount_point, leave_bytes):
    """A ballast file that leaves about `leave_bytes` free; returns its path."""
    ballast = mount_point / "ballast"
    stat = os.statvfs(mount_point)
    free = stat.f_bavail * stat.f_frsize
    with open(ballast, "wb") as fh:
        remaining = max(0, free - leave_bytes)
        chunk = b"\0" * (1 << 20)
        while remaining > 0:
            try:
                fh.write(chunk[:min(len(chunk), remaining)])
            except OSError:
                break
            remaining -= min(len(chunk), remaining)
    return ballast


def assert_big_not_visible(daemon, files):
    assert served_siblings(daemon, BIG) is None
    for path in sorted(files)[:4]:
        got = request(f"{daemon.public_url}/{BIG}/resolve/main/{path}", "HEAD")
        assert (got.status, got.header("X-Error-Code")) == (404, "RepoNotFound"), got.describe()


def assert_keeps_serving(daemon):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: assert_served_intact(daemon, Q05), range(8)))
    status = daemon.ctl("status")
    assert status.returncode == 0, daemon.explain(status)


@pytest.mark.parametrize("leave", [4 << 20, 0], ids=["space for a few files", "no space at all"])
def test_pull_on_a_full_disk_fails_cleanly_and_succeeds_after_freeing(small_disk, big_hub,
                                                                      make_daemon, leave):
    hub, files = big_hub
    daemon = make_daemon(hub, POLICIES, state_dir=small_disk / "state")
    result, _ = pull(daemon, "qwen")
    assert result.returncode == 0, daemon.explain(result)
    ballast = fill(small_disk, leave)

    result, output = pull(daemon, "big", timeout=120)
    assert result.returncode == 1, daemon.explain(result)
    assert "space" in output.lower() or "full" in output.lower(), daemon.explain(result)
    assert_big_not_visible(daemon, files)
    assert_keeps_serving(daemon)
    state = check_store(daemon.state_dir)
    assert not state.problems, "\n".join(state.problems)
    assert all(s[1] != BIG for s in state.snapshots), "a snapshot of the failed pull exists"

    ballast.unlink()
    result, _ = pull(daemon, "big")
    assert result.returncode == 0, daemon.explain(result)
    for path, content in files.items():
        got = request(f"{daemon.public_url}/{BIG}/resolve/main/{path}")
        assert got.status == 200 and got.body == content, path
    assert_keeps_serving(daemon)
    assert_store_consistent(daemon)
