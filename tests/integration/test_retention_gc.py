"""Retention, garbage collection and quotas against the real daemon and the fake hub.

The upstream repo `gc/model` is changed in the fake hub between pulls (a new commit with a new
safetensors shard), as a moving `main` does on the real Hub.
"""

import hashlib
import os
import subprocess
import time
import urllib.error

import pytest

from mirrord_proc import binary, json_output
from moving_repo import (SHARD_BYTES, SHARD_KEY, download, gc_hub, policy,  # noqa: F401
                         safetensors, set_revision)

FAST_GC = '\n[gc]\ngrace_period = "0"\n'


def blob_files(daemon):
    """{sha256 hex: size} of every blob file in the daemon's store."""
    found = {}
    for directory, _, names in os.walk(daemon.state_dir / "blobs"):
        for name in names:
            found[name] = os.path.getsize(os.path.join(directory, name))
    return found


def pull(daemon, target="rolling"):
    result = daemon.ctl("pull", target)
    assert result.returncode == 0, daemon.explain(result)


def gc(daemon, *flags):
    result = daemon.ctl("gc", "--json", *flags)
    assert result.returncode == 0, daemon.explain(result)
    return json_output(result)


def test_keep_one_frees_old_shards_and_serves_the_current_one(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy("keep = 1"), extra_config=FAST_GC)
    shards = []
    for version in (1, 2, 3):
        commit, shard = set_revision(gc_hub, version)
        shards.append((commit, shard))
        pull(daemon)
    before = blob_files(daemon)
    old_digests = {hashlib.sha256(shard).hexdigest() for _, shard in shards[:2]}
    assert old_digests <= set(before), "the old shards were stored before gc"

    report = gc(daemon)
    after = blob_files(daemon)
    freed = sum(before.values()) - sum(after.values())
    assert report["bytes"] == freed, report
    assert freed >= 2 * SHARD_BYTES
    assert {b["sha256"] for b in report["blobs"]} == set(before) - set(after)
    assert not old_digests & set(after), "the old shards' files are gone"
    assert download(daemon, "main") == shards[2][1]
    assert download(daemon, shards[2][0]) == shards[2][1]
    with pytest.raises(urllib.error.HTTPError) as gone:
        download(daemon, shards[0][0])
    assert gone.value.code == 404
    assert gc(daemon)["blob_count"] == 0, "a second gc finds nothing more"


def test_pinned_revision_survives(gc_hub, make_mirror):
    pinned_commit, pinned_shard = set_revision(gc_hub, 1)
    daemon = make_mirror(gc_hub, policy(f'keep = 1\npin = ["{pinned_commit[:12]}"]'),
                         extra_config=FAST_GC)
    pull(daemon)
    middle_commit, _ = set_revision(gc_hub, 2)
    pull(daemon)
    _, current = set_revision(gc_hub, 3)
    pull(daemon)
    report = gc(daemon)
    freed = {b["sha256"] for b in report["blobs"]}
    assert hashlib.sha256(safetensors(2)).hexdigest() in freed
    assert hashlib.sha256(pinned_shard).hexdigest() not in freed
    assert hashlib.sha256(pinned_shard).hexdigest() in blob_files(daemon)
    assert download(daemon, pinned_commit) == pinned_shard
    assert download(daemon, "main") == current
    with pytest.raises(urllib.error.HTTPError) as gone:
        download(daemon, middle_commit)
    assert gone.value.code == 404


def test_dry_run_removes_nothing(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy("keep = 1"), extra_config=FAST_GC)
    first_commit, first = set_revision(gc_hub, 1)
    pull(daemon)
    set_revision(gc_hub, 2)
    pull(daemon)
    before = blob_files(daemon)

    text = daemon.ctl("gc", "--dry-run")
    assert text.returncode == 0, daemon.explain(text)
    assert "would free 2 blobs" in text.stdout and "nothing was removed" in text.stdout
    dry = gc(daemon, "--dry-run")
    assert dry["dry_run"] is True and dry["blob_count"] == 2
    assert blob_files(daemon) == before

    real = gc(daemon)
    assert real["blob_count"] == 2 and real["bytes"] == dry["bytes"]
    assert hashlib.sha256(first).hexdigest() not in blob_files(daemon)


def test_quota_refuses_a_pull_before_fetching(gc_hub, make_mirror):
    set_revision(gc_hub, 1)
    daemon = make_mirror(gc_hub, policy('quota = "100KiB"'))
    result = daemon.ctl("pull", "rolling")
    assert result.returncode == 1, daemon.explain(result)
    assert "quota of policy 'rolling'" in result.stderr
    assert "nothing was fetched" in result.stderr
    assert blob_files(daemon) == {}, "the store is untouched"
    assert SHARD_KEY not in gc_hub.stats()["files"], "the shard was never requested"
    assert json_output(daemon.ctl("ls", "--json"))["repos"] == []


def test_quota_that_fits_lets_the_pull_through(gc_hub, make_mirror):
    _, shard = set_revision(gc_hub, 1)
    daemon = make_mirror(gc_hub, policy('quota = "1MiB"'))
    pull(daemon)
    assert download(daemon, "main") == shard


def test_gc_during_a_pull_keeps_what_the_pull_ingested(gc_hub, make_mirror):
    """The default grace period protects blobs a running pull stored but has not published."""
    _, shard = set_revision(gc_hub, 1)
    gc_hub.add_fault(kind="delay", file=SHARD_KEY, seconds=3)
    daemon = make_mirror(gc_hub, policy())
    puller = subprocess.Popen([binary("MIRRORCTL_BIN"), "--socket", str(daemon.admin_socket),
                               "pull", "rolling"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while not blob_files(daemon) and time.time() < deadline:
        time.sleep(0.05)
    assert blob_files(daemon), "config.json was stored while the shard is still delayed"
    assert puller.poll() is None, "the pull is still running"
    report = gc(daemon)
    assert report["blob_count"] == 0, report
    out, err = puller.communicate(timeout=60)
    assert puller.returncode == 0, out + err
    assert download(daemon, "main") == shard
