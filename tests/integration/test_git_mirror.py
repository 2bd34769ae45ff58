"""Git mirrors end to end: real upstreams (`git http-backend` with a Git LFS server), the real
mirrord and mirrorctl, and the stock git and git-lfs clients cloning from the mirror."""

import json
import time

import pytest

from fake_git import FakeGitUpstream
from git_repos import (BINARY_FILE, LFS_FILE, GitEnv, make_demo_repo, make_history_repo,
                       random_bytes, sha256_file)
from http_util import request
from mirrord_proc import json_output, record_timing, toml_str

NO_HF = ["http://127.0.0.1:9"]  # the git tests never reach a Hugging Face upstream


def git_policy(name, url, extra=""):
    return (f"[[mirror]]\nname = {toml_str(name)}\nsource = \"git\"\nurl = {toml_str(url)}\n"
            + extra)


def pull(daemon, target, ok=True):
    result = daemon.ctl("pull", target, timeout=600)
    if ok:
        assert result.returncode == 0, daemon.explain(result)
    return result


def without_head(refs):
    return {name: oid for name, oid in refs.items() if name != "HEAD"}


@pytest.fixture
def env(tmp_path):
    return GitEnv(tmp_path / "home")


@pytest.fixture
def upstream(tmp_path, env):
    root = tmp_path / "upstream"
    root.mkdir()
    weights = make_demo_repo(env, root / "demo")
    with FakeGitUpstream(root) as fake:
        fake.weights = weights
        fake.work = root / "demo"
        yield fake


@pytest.fixture
def demo(make_mirror, upstream):
    daemon = make_mirror(NO_HF, policies=git_policy("demo", upstream.url("demo")))
    pull(daemon, "demo")
    daemon.git_url = f"{daemon.public_url}/git/demo"
    return daemon


def assert_clone_matches(env, clone, upstream_refs):
    """Every upstream branch and tag has the same object id in the clone."""
    for name, oid in upstream_refs.items():
        if name.endswith("^{}"):
            continue
        local = name.replace("refs/heads/", "refs/remotes/origin/", 1)
        assert env.out("rev-parse", local, cwd=clone) == oid, name


def test_clone_from_mirror_matches_upstream(env, upstream, demo, tmp_path):
    upstream_refs = without_head(env.ls_remote(upstream.url("demo")))
    assert {"refs/heads/main", "refs/heads/feature", "refs/heads/release/1.x", "refs/tags/v0.1",
            "refs/tags/v1.0", "refs/tags/v1.0^{}"} <= set(upstream_refs)
    before = upstream.counts()
    clone = tmp_path / "clone"
    env.git("clone", "-q", demo.git_url, str(clone))
    assert upstream.counts() == before, "a clone from the mirror reached the upstream"

    assert without_head(env.ls_remote(demo.git_url)) == upstream_refs
    assert without_head(env.ls_remote(demo.git_url + ".git")) == upstream_refs
    assert_clone_matches(env, clone, upstream_refs)
    assert env.out("symbolic-ref", "HEAD", cwd=clone) == "refs/heads/main"
    assert (clone / LFS_FILE).read_bytes() == upstream.weights
    assert sha256_file(clone / BINARY_FILE) == sha256_file(upstream.work / BINARY_FILE)
    assert env.out("lfs", "ls-files", cwd=clone).endswith(LFS_FILE)
    env.git("fsck", "--full", "--strict", cwd=clone)


def test_fetch_after_an_upstream_commit(env, upstream, demo, tmp_path):
    clone = tmp_path / "clone"
    env.git("clone", "-q", demo.git_url, str(clone))
    new_weights = random_bytes(120_000, 2)
    head = env.commit_file(upstream.work, LFS_FILE, new_weights, "new weights")
    pull(demo, "demo")
    before = upstream.counts()
    env.git("pull", "-q", "--ff-only", cwd=clone)
    assert upstream.counts() == before
    assert env.out("rev-parse", "HEAD", cwd=clone) == head
    assert (clone / LFS_FILE).read_bytes() == new_weights
    # The older LFS object is still served: checking out the previous commit works.
    env.git("checkout", "-q", "HEAD~1", cwd=clone)
    assert (clone / LFS_FILE).read_bytes() == upstream.weights


def test_a_force_push_upstream_is_refused_and_the_old_ref_kept(env, upstream, demo, tmp_path):
    published = env.ls_remote(demo.git_url)
    work = upstream.work
    env.git("checkout", "-q", "feature", cwd=work)
    env.git("reset", "-q", "--hard", "HEAD~1", cwd=work)
    rewritten = env.commit_file(work, "src/feature.py", b"print('rewritten')\n", "rewrite")
    env.git("checkout", "-q", "main", cwd=work)
    main = env.commit_file(work, "README.md", b"main after the rewrite\n", "main moves again")
    assert env.ls_remote(upstream.url("demo"))["refs/heads/feature"] == rewritten

    result = pull(demo, "demo", ok=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "refs/heads/feature" in output and "allow_rewrite = true" in output, output

    served = env.ls_remote(demo.git_url)
    assert served["refs/heads/feature"] == published["refs/heads/feature"]
    assert served["refs/heads/main"] == main  # other refs still move
    clone = tmp_path / "clone"
    env.git("clone", "-q", "--branch", "feature", demo.git_url, str(clone))
    assert env.out("rev-parse", "HEAD", cwd=clone) == published["refs/heads/feature"]


def test_allow_rewrite_accepts_a_force_push(env, upstream, make_mirror):
    daemon = make_mirror(NO_HF, policies=git_policy("demo", upstream.url("demo"),
                                                    "allow_rewrite = true\n"))
    pull(daemon, "demo")
    env.git("checkout", "-q", "feature", cwd=upstream.work)
    env.git("reset", "-q", "--hard", "HEAD~1", cwd=upstream.work)
    rewritten = env.commit_file(upstream.work, "x.txt", b"x\n", "rewrite")
    pull(daemon, "demo")
    assert env.ls_remote(f"{daemon.public_url}/git/demo")["refs/heads/feature"] == rewritten


def test_ls_shows_refs_and_the_last_sync(env, upstream, demo):
    listing = json_output(demo.ctl("ls", "--json"))["repos"]
    mine = {entry["ref"]: entry for entry in listing if entry["kind"] == "git"}
    upstream_refs = env.ls_remote(upstream.url("demo"))
    assert mine["refs/heads/main"]["commit"] == upstream_refs["refs/heads/main"]
    assert mine["refs/tags/v1.0"]["commit"] == upstream_refs["refs/tags/v1.0^{}"]
    assert mine["current"]["repo"] == "demo"
    assert mine["current"]["files"] == 2  # the LFS object and the repository's pack
    assert abs(mine["current"]["published_at"] - time.time()) < 300
    text = demo.ctl("ls").stdout
    assert "refs/heads/release/1.x" in text and "demo" in text


def test_the_mirror_is_read_only_and_dumb(env, demo, tmp_path):
    shallow = env.git("clone", "--depth", "1", demo.git_url, str(tmp_path / "shallow"), check=False)
    assert shallow.returncode != 0
    assert b"shallow" in shallow.stderr
    clone = tmp_path / "clone"
    env.git("clone", "-q", demo.git_url, str(clone))
    env.commit_file(clone, "new.txt", b"new\n", "local")
    pushed = env.git("push", "origin", "main", cwd=clone, check=False)
    assert pushed.returncode != 0
    assert request(demo.git_url + "/info/refs?service=git-receive-pack").status == 403
    for path in ("/config", "/refs/heads/main", "/../../etc/passwd", "/objects/info/alternates"):
        assert request(demo.git_url + path).status == 404, path


def test_lfs_batch_api_serves_only_the_mirror(upstream, demo):
    oid = __import__("hashlib").sha256(upstream.weights).hexdigest()
    url = demo.git_url + ".git/info/lfs/objects/batch"
    headers = {"Accept": "application/vnd.git-lfs+json",
               "Content-Type": "application/vnd.git-lfs+json"}
    body = {"operation": "download", "transfers": ["basic"],
            "objects": [{"oid": oid, "size": len(upstream.weights)},
                        {"oid": "0" * 64, "size": 1}]}
    answer = request(url, "POST", headers, json.dumps(body))
    assert answer.status == 200
    objects = json.loads(answer.body)["objects"]
    href = objects[0]["actions"]["download"]["href"]
    assert href.startswith(demo.public_url + "/git/demo.git/")
    assert str(upstream.port) not in answer.body.decode()
    assert objects[1]["error"]["code"] == 404
    assert request(href).body == upstream.weights
    body["operation"] = "upload"
    assert request(url, "POST", headers, json.dumps(body)).status == 403


def test_adhoc_git_url_without_a_policy(env, upstream, make_mirror):
    daemon = make_mirror(NO_HF, policies="")
    pull(daemon, "git:" + upstream.url("demo"))
    url = f"{daemon.public_url}/git/127.0.0.1-{upstream.port}/demo"
    assert without_head(env.ls_remote(url)) == without_head(env.ls_remote(upstream.url("demo")))


def test_clone_of_a_long_history_is_fast(env, tmp_path, make_mirror):
    root = tmp_path / "upstream"
    root.mkdir()
    commits = 5000
    make_history_repo(env, root / "history.git", commits)
    with FakeGitUpstream(root) as upstream:
        url = upstream.url("history.git")
        daemon = make_mirror(NO_HF, policies=git_policy("history", url))
        started = time.monotonic()
        pull(daemon, "history")
        record_timing(f"git pull of {commits} commits", time.monotonic() - started)

        started = time.monotonic()
        env.git("clone", "-q", "--bare", url, str(tmp_path / "from-upstream.git"))
        upstream_s = time.monotonic() - started
        started = time.monotonic()
        env.git("clone", "-q", "--bare", f"{daemon.public_url}/git/history",
                str(tmp_path / "from-mirror.git"))
        mirror_s = time.monotonic() - started
    record_timing(f"git clone of {commits} commits from the upstream (smart HTTP)", upstream_s)
    record_timing(f"git clone of {commits} commits from the mirror (dumb HTTP)", mirror_s)
    for name in ("from-upstream.git", "from-mirror.git"):
        assert env.out("rev-list", "--count", "main", cwd=tmp_path / name) == str(commits)
    assert (env.out("rev-parse", "main", cwd=tmp_path / "from-mirror.git")
            == env.out("rev-parse", "main", cwd=tmp_path / "from-upstream.git"))
    assert mirror_s < 60, f"cloning {commits} commits from the mirror took {mirror_s:.1f} s"
