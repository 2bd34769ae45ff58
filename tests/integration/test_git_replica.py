"""Git mirrors through signed snapshot records (README "Air-gapped transfer", "Federation"): a
mirror pulls a git repository (branches, tags, a merge, an LFS file) from the fake git upstream;
its `mirrorctl export` bundle, imported into a mirror that can reach no upstream, and a peer pull
each rebuild the repository, and the stock git client clones the same commits and tags from the
copy (`git fsck` clean). A bundle whose pack is tampered with is refused whole."""

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest

from fake_git import FakeGitUpstream
from git_repos import LFS_FILE, make_demo_repo
from mirrord_proc import Mirrord, json_output, toml_str
from test_git_mirror import env, git_policy, without_head  # noqa: F401 (env: the fixture)
from test_peer import get
from test_pypi_pip import daemons  # noqa: F401 (the fixture: mirrords stopped after the test)

UNREACHABLE = "http://127.0.0.1:9"


def ok(daemon, *args, timeout=300):
    result = daemon.ctl(*args, timeout=timeout)
    assert result.returncode == 0, daemon.explain(result)
    return result


def started(daemons, policies="", extra_config=""):
    daemon = Mirrord([UNREACHABLE], policies, None, extra_config)
    daemons.append(daemon)
    return daemon


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="mirrord-git-replica-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def source(daemons, env, tmp_path):  # noqa: F811
    """A mirror of the demo repository; the fake upstream stays up to count requests."""
    root = tmp_path / "upstream"
    root.mkdir()
    weights = make_demo_repo(env, root / "demo")
    with FakeGitUpstream(root) as fake:
        daemon = started(daemons, git_policy("demo", fake.url("demo"))).start()
        ok(daemon, "pull", "--no-progress", "demo")
        daemon.upstream = fake
        daemon.weights = weights
        daemon.refs = without_head(env.ls_remote(fake.url("demo")))
        yield daemon


def assert_clone_serves(env, copy, source, clone):
    """The stock git client clones from `copy` the refs `source` serves, fsck clean."""
    url = f"{copy.public_url}/git/demo"
    before = source.upstream.counts()
    assert without_head(env.ls_remote(url)) == source.refs
    env.git("clone", "-q", url, str(clone))
    for name, oid in source.refs.items():
        if not name.endswith("^{}"):
            local = name.replace("refs/heads/", "refs/remotes/origin/", 1)
            assert env.out("rev-parse", local, cwd=clone) == oid, name
    assert env.out("symbolic-ref", "HEAD", cwd=clone) == "refs/heads/main"
    assert env.out("describe", "--tags", "--exact-match", "v1.0", cwd=clone) == "v1.0"
    fsck = env.git("fsck", "--full", "--strict", cwd=clone)
    assert b"error" not in fsck.stdout + fsck.stderr, fsck
    assert (clone / LFS_FILE).read_bytes() == source.weights
    assert source.upstream.counts() == before, "the copy reached the upstream"


def manifest_key(daemon, path):
    path.write_text(ok(daemon, "keys", "manifest").stdout)
    return path


def pack_blob_digests(daemon):
    packs = (daemon.state_dir / "git" / "demo.git" / "objects" / "pack").glob("*.pack")
    return [hashlib.sha256(pack.read_bytes()).hexdigest() for pack in packs]


def test_an_imported_bundle_serves_the_same_history_to_git(daemons, source, env, workdir,
                                                           tmp_path):
    bundle = workdir / "demo.tar"
    ok(source, "export", "demo", "--to", str(bundle))
    copy = started(daemons).start()
    key = manifest_key(source, tmp_path / "k.pem")
    imported = ok(copy, "import", str(bundle), "--key", str(key))
    assert "imported bundle" in imported.stdout, copy.explain(imported)
    listing = json_output(ok(copy, "ls", "--json"))["repos"]
    assert {r["ref"] for r in listing if r["kind"] == "git"} >= {"refs/heads/main", "current"}
    assert_clone_serves(env, copy, source, tmp_path / "clone")


def test_a_bundle_with_a_tampered_pack_is_refused_whole(daemons, source, workdir, tmp_path):
    bundle = workdir / "demo"
    ok(source, "export", "demo", "--to", str(bundle))
    digests = pack_blob_digests(source)
    assert digests
    pack = bundle / "blobs" / "sha256" / digests[0]
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0x01
    pack.write_bytes(bytes(data))
    copy = started(daemons).start()
    result = copy.ctl("import", str(bundle), "--key", str(manifest_key(source, tmp_path / "k")))
    assert result.returncode == 1, copy.explain(result)
    assert "refused" in result.stderr and digests[0] in result.stderr, copy.explain(result)
    assert json_output(ok(copy, "ls", "--json"))["repos"] == []
    assert get(f"{copy.public_url}/git/demo/info/refs")[0] == 404


def test_a_peer_pull_serves_the_same_history_to_git(daemons, source, env, tmp_path):
    regional = started(daemons, git_policy("demo", source.upstream.url("demo"),
                                           'upstream = "peer:national"\n'))
    (regional.base / "national.pem").write_text(ok(source, "keys", "manifest").stdout)
    with open(regional.config_path, "a") as config:
        config.write(f"\n[peers.national]\nurl = {toml_str(source.public_url)}\n"
                     'key = "national.pem"\n')
    regional.start()
    before = source.upstream.counts()
    job = json_output(ok(regional, "pull", "--json", "demo"))
    assert job["state"] == "succeeded", job
    assert source.upstream.counts() == before, "the regional mirror asked the git upstream"
    assert_clone_serves(env, regional, source, tmp_path / "clone")
    ok(regional, "sync", "--no-progress", "demo")  # nothing new: the same refs stay
    assert without_head(env.ls_remote(f"{regional.public_url}/git/demo")) == source.refs
