"""Pinned snapshots and recorded upstream changes (README, "Pinned snapshots and upstream
changes") against the real daemon and mirrorctl, the fake upstreams and stock clients.

An operator pin keeps a snapshot from retention and GC and keeps a pinned ref where it is; an
upstream that deletes a repo, moves a tag, force-pushes a branch, replaces a file or rolls a
Release back changes nothing the mirror serves, and `mirrorctl changes` lists what it did.
"""

import hashlib
import time
import urllib.error

import pytest

from apt_fixtures import (HOUR, SUITE, make_apt_mirror, pull_ok, pull_refused,  # noqa: F401
                          upstream)
from fake_git import FakeGitUpstream
from fake_pypi import FakePypi
from fake_pypi_packages import build_wheel
from git_repos import GitEnv, make_demo_repo
from mirrord_proc import json_output, toml_str
from moving_repo import REPO, download, gc_hub, policy, safetensors, set_revision  # noqa: F401
from pypi_helpers import (DEBIAN_PYTHON, explain, make_test_projects, pypi_policy, run_pip,
                          sha256_file, start_mirror)
from test_pypi_pip import daemons  # noqa: F401 (the fixture: mirrords stopped after the test)

FAST_GC = '\n[gc]\ngrace_period = "0"\n'
NO_HF = ["http://127.0.0.1:9"]


def ctl_ok(daemon, *args):
    result = daemon.ctl(*args)
    assert result.returncode == 0, daemon.explain(result)
    return result


def ctl_json(daemon, *args):
    return json_output(ctl_ok(daemon, *args, "--json"))


def changes(daemon, *target):
    return ctl_json(daemon, "changes", *target)["changes"]


def digest(data):
    return hashlib.sha256(data).hexdigest()


# Hugging Face: pins against retention, GC and a moving `main`; a repo deleted upstream.

def test_gc_and_retention_keep_an_operator_pinned_snapshot(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy("keep = 1"), extra_config=FAST_GC)
    pinned_commit, pinned_shard = set_revision(gc_hub, 1)
    ctl_ok(daemon, "pull", "rolling")
    pinned = ctl_json(daemon, "pin", "rolling", pinned_commit[:10], "--reason", "audited")["pin"]
    assert pinned["commit"] == pinned_commit and not pinned["ref"]
    for version in (2, 3):
        set_revision(gc_hub, version)
        ctl_ok(daemon, "pull", "rolling")  # each sync applies keep = 1

    report = ctl_json(daemon, "gc")
    freed = {blob["sha256"] for blob in report["blobs"]}
    assert digest(safetensors(2)) in freed, "the unpinned old shard is collected"
    assert digest(pinned_shard) not in freed
    assert download(daemon, pinned_commit) == pinned_shard
    shown = ctl_ok(daemon, "show", "rolling").stdout
    assert "commit " + pinned_commit[:12] in shown and "audited" in shown, shown

    ctl_ok(daemon, "unpin", "rolling", pinned_commit)
    report = ctl_json(daemon, "gc")
    assert digest(pinned_shard) in {blob["sha256"] for blob in report["blobs"]}
    with pytest.raises(urllib.error.HTTPError) as gone:
        download(daemon, pinned_commit)
    assert gone.value.code == 404


def test_a_pinned_ref_is_not_moved_by_a_pull(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy())
    old_commit, old_shard = set_revision(gc_hub, 1)
    ctl_ok(daemon, "pull", "rolling")
    unknown = daemon.ctl("pin", "rolling", "deadbeefdeadbeef")
    assert unknown.returncode == 4 and "no ref or published commit" in unknown.stderr, unknown
    assert daemon.ctl("unpin", "rolling", "main").returncode == 4, "nothing is pinned yet"
    assert ctl_json(daemon, "pin", "rolling")["pin"]["revision"] == "main"
    rows = ctl_json(daemon, "ls")["repos"]
    assert [row["pinned"] for row in rows if row["repo"] == REPO] == [True]
    assert "published, pinned" in ctl_ok(daemon, "ls").stdout

    new_commit, new_shard = set_revision(gc_hub, 2)
    ctl_ok(daemon, "pull", "rolling")
    assert download(daemon, "main") == old_shard, "the pinned main stays"
    assert download(daemon, new_commit) == new_shard, "the new commit is served by its id"
    recorded = changes(daemon, "rolling")
    assert [c["change"] for c in recorded] == ["pinned ref kept"]
    assert old_commit in recorded[0]["detail"] and new_commit in recorded[0]["detail"]

    ctl_ok(daemon, "pull", "rolling")
    assert len(changes(daemon)) == 1, "the same move is recorded once"
    ctl_ok(daemon, "unpin", "rolling", "main")
    ctl_ok(daemon, "pull", "rolling")
    assert download(daemon, "main") == new_shard


def test_a_moved_hugging_face_tag_is_recorded_and_not_followed(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy('revision = "v1"'))
    tagged_commit, tagged_shard = set_revision(gc_hub, 1)
    gc_hub.repos[REPO].tags = {"v1": tagged_commit}
    ctl_ok(daemon, "pull", "rolling")
    assert download(daemon, "v1") == tagged_shard

    moved_commit, moved_shard = set_revision(gc_hub, 2)
    gc_hub.repos[REPO].tags = {"v1": moved_commit}
    ctl_ok(daemon, "pull", "rolling")
    assert download(daemon, "v1") == tagged_shard, "the tag stays where it was published"
    assert download(daemon, moved_commit) == moved_shard
    recorded = changes(daemon, "rolling")
    assert [c["change"] for c in recorded] == ["tag moved"]
    assert tagged_commit in recorded[0]["detail"] and moved_commit in recorded[0]["detail"]


def test_a_repo_deleted_upstream_stays_served_and_is_recorded(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy())
    commit, shard = set_revision(gc_hub, 1)
    ctl_ok(daemon, "pull", "rolling")
    assert changes(daemon) == []
    assert "no upstream change recorded" in ctl_ok(daemon, "changes").stdout

    del gc_hub.repos[REPO]
    failed = daemon.ctl("pull", "rolling")
    assert failed.returncode != 0, daemon.explain(failed)
    assert "keeps serving" in failed.stdout + failed.stderr, daemon.explain(failed)

    assert download(daemon, "main") == shard
    assert download(daemon, commit) == shard
    recorded = changes(daemon)
    assert len(recorded) == 1, recorded
    assert recorded[0]["change"] == "deleted upstream"
    assert (recorded[0]["kind"], recorded[0]["repo"]) == ("model", REPO)
    assert "404" in recorded[0]["detail"]
    table = ctl_ok(daemon, "changes").stdout
    assert "deleted upstream" in table and f"model:{REPO}" in table, table
    assert "deleted upstream" in ctl_ok(daemon, "show", "rolling").stdout


# Git: a force-push, a moved tag, a pinned branch and a deleted repository.

@pytest.fixture
def env(tmp_path):
    return GitEnv(tmp_path / "home")


@pytest.fixture
def git_upstream(tmp_path, env):
    root = tmp_path / "upstream"
    root.mkdir()
    make_demo_repo(env, root / "demo")
    with FakeGitUpstream(root) as fake:
        fake.work = root / "demo"
        yield fake


@pytest.fixture
def demo(make_mirror, git_upstream):
    policy_text = (f'[[mirror]]\nname = "demo"\nsource = "git"\n'
                   f"url = {toml_str(git_upstream.url('demo'))}\n")
    daemon = make_mirror(NO_HF, policies=policy_text)
    ctl_ok(daemon, "pull", "demo")
    daemon.git_url = f"{daemon.public_url}/git/demo"
    return daemon


def test_a_force_push_is_recorded_and_the_old_commit_stays_served(env, git_upstream, demo,
                                                                  tmp_path):
    published = env.ls_remote(demo.git_url)["refs/heads/feature"]
    work = git_upstream.work
    env.git("checkout", "-q", "feature", cwd=work)
    env.git("reset", "-q", "--hard", "HEAD~1", cwd=work)
    rewritten = env.commit_file(work, "src/feature.py", b"print('rewritten')\n", "rewrite")
    env.git("checkout", "-q", "main", cwd=work)
    assert demo.ctl("pull", "demo").returncode != 0, "the rewrite is refused"

    recorded = changes(demo, "demo")
    assert [c["change"] for c in recorded] == ["branch rewritten"]
    assert recorded[0]["repo"] == "demo" and "refs/heads/feature" in recorded[0]["detail"]
    assert published in recorded[0]["detail"] and rewritten in recorded[0]["detail"]
    clone = tmp_path / "clone"
    env.git("clone", "-q", "--branch", "feature", demo.git_url, str(clone))
    assert env.out("rev-parse", "HEAD", cwd=clone) == published
    assert "branch rewritten" in ctl_ok(demo, "show", "demo").stdout


def test_a_moved_tag_is_recorded_and_not_followed(env, git_upstream, demo):
    tagged = env.ls_remote(demo.git_url)["refs/tags/v0.1"]
    env.git("tag", "-f", "v0.1", "main", cwd=git_upstream.work)
    assert env.ls_remote(git_upstream.url("demo"))["refs/tags/v0.1"] != tagged
    demo.ctl("pull", "demo")
    assert env.ls_remote(demo.git_url)["refs/tags/v0.1"] == tagged
    recorded = changes(demo)
    assert [c["change"] for c in recorded] == ["tag moved"]
    assert "refs/tags/v0.1" in recorded[0]["detail"]


def test_a_pinned_branch_does_not_follow_a_fast_forward(env, git_upstream, demo):
    main = env.ls_remote(demo.git_url)["refs/heads/main"]
    pinned = ctl_json(demo, "pin", "demo", "main", "--reason", "release freeze")["pin"]
    assert (pinned["revision"], pinned["commit"]) == ("refs/heads/main", main)
    moved = env.commit_file(git_upstream.work, "README.md", b"later\n", "later")
    ctl_ok(demo, "pull", "demo")
    assert env.ls_remote(demo.git_url)["refs/heads/main"] == main
    recorded = changes(demo)
    assert [c["change"] for c in recorded] == ["pinned ref kept"]
    assert moved in recorded[0]["detail"]
    ctl_ok(demo, "unpin", "demo", "main")
    ctl_ok(demo, "pull", "demo")
    assert env.ls_remote(demo.git_url)["refs/heads/main"] == moved


def test_a_git_repo_deleted_upstream_stays_clonable(env, git_upstream, demo, tmp_path):
    head = env.ls_remote(demo.git_url)["refs/heads/main"]
    (git_upstream.work).rename(tmp_path / "gone")
    assert demo.ctl("pull", "demo").returncode != 0
    assert [c["change"] for c in changes(demo)] == ["deleted upstream"]
    clone = tmp_path / "clone"
    env.git("clone", "-q", demo.git_url, str(clone))
    assert env.out("rev-parse", "HEAD", cwd=clone) == head


# PyPI and apt: the existing drift and rollback refusals are recorded too.

def test_pypi_replaced_and_delisted_files_are_recorded(daemons, tmp_path):
    projects = make_test_projects()
    with FakePypi("html", {"tinypkg": projects["tinypkg"]}) as upstream:
        daemon = start_mirror(daemons, pypi_policy("cu124", upstream.index_url, ["tinypkg"]))
        ctl_ok(daemon, "pull", "--no-progress", "cu124")
        wheel, sdist = projects["tinypkg"][1], projects["tinypkg"][2]
        upstream.projects["tinypkg"] = [projects["tinypkg"][0], wheel]
        impostor = build_wheel("tinypkg", "2.0", module_body="VERSION = 'impostor'\n")
        upstream.served_bytes[wheel.filename] = impostor.data
        upstream.listed_hash[wheel.filename] = impostor.sha256
        assert daemon.ctl("pull", "--no-progress", "cu124").returncode != 0

        recorded = {c["change"]: c for c in changes(daemon)}
        assert set(recorded) == {"file replaced", "file de-listed"}, recorded
        assert recorded["file replaced"]["repo"] == "cu124/tinypkg"
        assert impostor.sha256 in recorded["file replaced"]["detail"]
        assert sdist.filename in recorded["file de-listed"]["detail"]
        got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--only-binary", ":all:",
                      "--index-url", f"{daemon.public_url}/pypi/cu124/simple/",
                      "-d", str(tmp_path), "tinypkg==2.0")
        assert got.returncode == 0, explain(got)
        assert sha256_file(tmp_path / wheel.filename) == wheel.sha256, "pip gets the old bytes"


def test_pypi_project_deleted_upstream_is_recorded(daemons):
    projects = make_test_projects()
    with FakePypi("html", {"tinypkg": projects["tinypkg"]}) as upstream:
        daemon = start_mirror(daemons, pypi_policy("cu124", upstream.index_url, ["tinypkg"]))
        ctl_ok(daemon, "pull", "--no-progress", "cu124")
        del upstream.projects["tinypkg"]
        assert daemon.ctl("pull", "--no-progress", "cu124").returncode != 0
        recorded = changes(daemon)
        assert [(c["change"], c["repo"]) for c in recorded] == [
            ("deleted upstream", "cu124/tinypkg")]


def test_apt_rollback_and_dropped_packages_are_recorded(upstream, make_apt_mirror):
    upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror()
    pull_ok(mirror)
    upstream.repo.remove_package("hello", "1.0")
    upstream.repo.add_package("hello", "2.0")
    upstream.repo.publish(SUITE, date=time.time() - 2 * HOUR)
    pull_refused(mirror, "rollback")
    assert [c["change"] for c in changes(mirror)] == ["release rolled back"]

    upstream.repo.publish(SUITE, date=time.time() - HOUR / 2)
    pull_ok(mirror)
    recorded = changes(mirror)
    assert recorded[0]["change"] == "packages dropped", recorded
    assert "hello_1.0" in recorded[0]["detail"]
