"""Hugging Face repos pulled through the HF ecosystem, cloned with the stock git and git-lfs:
`git clone http://mirror/Qwen/NAME` gets the files, and git-lfs gets the weights from the mirror's
blob store through the Batch API. Nothing reaches the upstream during the clone."""

import hashlib

import pytest

from git_repos import GitEnv
from hf_expectations import Q05, REPOS_DIR, TABLE


@pytest.fixture
def env(tmp_path):
    return GitEnv(tmp_path / "home")


def test_git_clone_of_a_pulled_model_with_lfs(env, hub, make_mirror, tmp_path):
    daemon = make_mirror(hub)
    result = daemon.ctl("pull", "qwen")
    assert result.returncode == 0, daemon.explain(result)
    requests_before = len(hub.stats()["log"])
    for suffix in ("", ".git"):
        clone = tmp_path / f"clone{suffix}"
        env.git("clone", "-q", f"{daemon.public_url}/{Q05}{suffix}", str(clone))
        for path in TABLE[Q05]:
            expected = (REPOS_DIR / Q05 / path).read_bytes()
            got = (clone / path).read_bytes()
            assert hashlib.sha256(got).hexdigest() == hashlib.sha256(expected).hexdigest(), path
        env.git("fsck", "--full", cwd=clone)
        assert env.out("symbolic-ref", "HEAD", cwd=clone) == "refs/heads/main"
        assert "model.safetensors" in env.out("lfs", "ls-files", cwd=clone)
    assert len(hub.stats()["log"]) == requests_before, "a git clone reached the upstream"


def test_pointers_only_clone_then_lfs_pull(env, hub, make_mirror, tmp_path):
    daemon = make_mirror(hub)
    assert daemon.ctl("pull", "qwen").returncode == 0
    clone = tmp_path / "clone"
    env.git("clone", "-q", f"{daemon.public_url}/{Q05}", str(clone),
            extra_env={"GIT_LFS_SKIP_SMUDGE": "1"})
    pointer = (clone / "model.safetensors").read_text()
    assert pointer.startswith("version https://git-lfs.github.com/spec/v1\n")
    env.git("lfs", "pull", "--include=model.safetensors", cwd=clone)
    assert ((clone / "model.safetensors").read_bytes()
            == (REPOS_DIR / Q05 / "model.safetensors").read_bytes())


def test_a_model_never_pulled_is_not_a_git_repo(env, hub, make_mirror, tmp_path):
    daemon = make_mirror(hub)
    cloned = env.git("clone", "-q", f"{daemon.public_url}/{Q05}", str(tmp_path / "c"), check=False)
    assert cloned.returncode != 0
