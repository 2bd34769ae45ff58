"""Several upstreams per ecosystem (README "Several upstreams"): bytes come from a second source
when the first fails, a source serving other bytes is never published, PyPI indexes that disagree
on a hash refuse that file, apt works past a dead first mirror, and `mirrorctl upstreams` shows the
failures and latencies the daemon saw. Real daemons, real fake upstreams on 127.0.0.1."""

import hashlib
import json
import shutil
import time

import pytest

from apt_fixtures import HOUR, POLICY as APT_POLICY, SUITE, apt_client, assert_apt_gets
from apt_fixtures import upstream  # noqa: F401  (fixture)
from fake_hf import FakeHub
from fake_modelscope import FakeModelScope
from fake_pypi import FakePypi
from fake_apt import RepoServer
from fake_pypi_packages import build_wheel
from hf_expectations import Q05, REPOS_DIR
from http_util import get
from mirrord_proc import Mirrord, json_output, policy_toml, toml_str

# Nothing listens there: connections are refused at once.
DEAD = "http://127.0.0.1:9"
SMALL = ("config.json", "model.safetensors")
QWEN_SMALL = policy_toml("qwen", Q05, include=SMALL)


@pytest.fixture
def daemons(make_mirror):
    """daemons(endpoints, policies, extra_config="") -> a started Mirrord (conftest's make_mirror)."""
    return lambda endpoints, policies, extra_config="": make_mirror(endpoints, policies, None,
                                                                    extra_config)


def fixture_bytes(path):
    return (REPOS_DIR / Q05 / path).read_bytes()


def served(daemon, path):
    return get(f"{daemon.public_url}/{Q05}/resolve/main/{path}")


def pull(daemon, target="qwen"):
    return daemon.ctl("pull", target, "--no-progress", timeout=300)


def upstreams(daemon):
    """base -> the object of `mirrorctl upstreams --json`."""
    result = daemon.ctl("upstreams", "--json")
    assert result.returncode == 0, daemon.explain(result)
    return {entry["base"]: entry for entry in json_output(result)["upstreams"]}


def show_upstreams(daemon):
    result = daemon.ctl("upstreams")
    assert result.returncode == 0, daemon.explain(result)
    print(f"\n$ mirrorctl upstreams\n{result.stdout}")
    return result.stdout


# -- Hugging Face --------------------------------------------------------------------------------


def test_another_mirrord_is_a_hugging_face_endpoint(daemons):
    with FakeHub(str(REPOS_DIR)) as hub:
        first = daemons([hub.url], QWEN_SMALL)
        result = pull(first)
        assert result.returncode == 0, first.explain(result)
        hub.stop()  # from here on only the first mirror has the files
        second = daemons([DEAD, first.public_url], QWEN_SMALL)
        result = pull(second)
        assert result.returncode == 0, second.explain(result)
    for path in SMALL:
        assert served(second, path) == (200, fixture_bytes(path)), path
    seen = upstreams(second)
    assert seen[DEAD]["failures"] >= 1 and seen[DEAD]["consecutive_failures"] >= 1
    assert seen[DEAD]["last_error"] and seen[DEAD]["last_error_at"] > 0
    assert seen[first.public_url]["failures"] == 0
    assert seen[first.public_url]["latency_ms"] > 0
    text = show_upstreams(second)
    assert "failing" in text and " ms" in text
    status, metrics = get(f"{second.public_url}/metrics")
    assert status == 200
    assert f'mirrord_upstream_consecutive_failures{{upstream="{DEAD}"}} ' in metrics.decode()
    assert f'mirrord_upstream_first_byte_microseconds{{upstream="{first.public_url}"}} ' in \
        metrics.decode()


def test_an_endpoint_serving_other_bytes_is_passed_over(daemons):
    with FakeHub(str(REPOS_DIR)) as liar, FakeHub(str(REPOS_DIR)) as honest:
        for path in SMALL:
            liar.add_fault(kind="corrupt", file=f"{Q05}/{path}")
        daemon = daemons([liar.url, honest.url], QWEN_SMALL)
        result = pull(daemon)
        assert result.returncode == 0, daemon.explain(result)
        for path in SMALL:
            assert served(daemon, path) == (200, fixture_bytes(path)), path
        seen = upstreams(daemon)
        assert seen[liar.url]["failures"] >= 1
        assert "bytes differ from the manifest" in seen[liar.url]["last_error"]
        assert seen[honest.url]["consecutive_failures"] == 0


def test_modelscope_serves_bytes_only_when_they_match(daemons):
    with FakeHub(str(REPOS_DIR)) as hub, FakeModelScope(REPOS_DIR) as modelscope:
        hub.add_fault(kind="status", file=f"{Q05}/config.json", status=503)
        extra = f"\n[upstream.modelscope]\nendpoints = [{toml_str(modelscope.url)}]\n"
        daemon = daemons([hub.url], QWEN_SMALL, extra)
        result = pull(daemon)
        assert result.returncode == 0, daemon.explain(result)
        assert served(daemon, "config.json") == (200, fixture_bytes("config.json"))
        assert f"/models/{Q05}/resolve/master/config.json" in modelscope.log

        # ModelScope now has other bytes under that name, and the hub still fails: the pull of a
        # new snapshot fails and nothing of ModelScope's is published.
        modelscope.forged.add(f"{Q05}/config.json")
        moved = daemons([hub.url], QWEN_SMALL, extra)
        refused = pull(moved)
        assert refused.returncode != 0, moved.explain(refused)
        assert "config.json" in refused.stdout + refused.stderr
        assert served(moved, "config.json")[0] == 404
        assert "bytes differ from the manifest" in upstreams(moved)[modelscope.url]["last_error"]


# -- PyPI ----------------------------------------------------------------------------------------


def pypi_policy_of(indexes):
    return ("[[mirror]]\nname = \"several\"\nsource = \"pypi\"\n"
            f"index = {json.dumps(indexes)}\nprojects = [\"tinypkg\"]\n")


def listed_files(daemon):
    status, body = get(f"{daemon.public_url}/pypi/several/simple/tinypkg/")
    assert status == 200, body
    return body.decode()


def tinypkg():
    return [build_wheel("tinypkg", "1.0"), build_wheel("tinypkg", "2.0")]


def test_pypi_bytes_come_from_an_index_listing_the_same_hash(daemons):
    dists = tinypkg()
    with FakePypi("json", {"tinypkg": dists}) as liar, \
            FakePypi("json", {"tinypkg": dists}) as honest:
        liar.served_bytes[dists[1].filename] = b"other bytes"
        daemon = daemons([DEAD], pypi_policy_of([DEAD + "/simple/", liar.index_url,
                                                 honest.index_url]))
        result = pull(daemon, "several")
        assert result.returncode == 0, daemon.explain(result)
        page = listed_files(daemon)
        assert dists[0].filename in page and dists[1].filename in page
        status, body = get(f"{daemon.public_url}/pypi/several/files/tinypkg/{dists[1].sha256}/"
                           f"{dists[1].filename}")
        assert status == 200 and hashlib.sha256(body).hexdigest() == dists[1].sha256
        seen = upstreams(daemon)
        assert seen[DEAD + "/simple"]["failures"] >= 1
        assert any("differ" in entry["last_error"] or "hash to" in entry["last_error"]
                   for base, entry in seen.items() if base.startswith(liar.files_url))
        show_upstreams(daemon)


def test_pypi_indexes_that_disagree_on_a_hash_refuse_that_file(daemons):
    dists = tinypkg()
    with FakePypi("json", {"tinypkg": dists}) as first, \
            FakePypi("json", {"tinypkg": dists}) as second:
        second.listed_hash[dists[1].filename] = "ab" * 32
        daemon = daemons([DEAD], pypi_policy_of([first.index_url, second.index_url]))
        result = pull(daemon, "several")
        assert result.returncode != 0, daemon.explain(result)
        message = result.stdout + result.stderr
        assert f"{dists[1].filename}: the indexes disagree on its sha256" in message, message
        page = listed_files(daemon)
        assert dists[0].filename in page and dists[1].filename not in page
        assert not [entry for entry in first.requests("files") if dists[1].filename in entry[2]]


# -- apt -----------------------------------------------------------------------------------------


def apt_mirrors_policy(upstream, urls):  # noqa: F811
    return ("[[mirror]]\n"
            f"name = {toml_str(APT_POLICY)}\n"
            'source = "apt"\n'
            f"url = [{', '.join(toml_str(url) for url in urls)}]\n"
            f"suites = [{toml_str(SUITE)}]\n"
            f"keyring = {toml_str(upstream.key.keyring)}\n")


def test_apt_with_a_dead_first_mirror(daemons, upstream):  # noqa: F811
    deb = upstream.repo.add_package("hello")
    upstream.repo.publish(SUITE)
    daemon = daemons([DEAD], apt_mirrors_policy(upstream, [DEAD + "/debian", upstream.url + "/"]))
    result = daemon.ctl("pull", APT_POLICY, "--no-progress", timeout=300)
    assert result.returncode == 0, daemon.explain(result)
    assert_apt_gets(apt_client(upstream, daemon), "hello", deb)
    seen = upstreams(daemon)
    assert seen[DEAD + "/debian"]["consecutive_failures"] >= 1
    assert seen[upstream.url]["failures"] == 0 and seen[upstream.url]["latency_ms"] > 0
    show_upstreams(daemon)


def test_apt_takes_the_newest_valid_release_among_mirrors(daemons, upstream):  # noqa: F811
    upstream.repo.add_package("hello")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    stale_root, forged_root = upstream.base / "stale", upstream.base / "forged"
    shutil.copytree(upstream.repo.root, stale_root)  # a mirror that stopped syncing at state 1
    newer = upstream.repo.add_package("world")
    stranger = upstream.other_key()
    # The newest Release of all, but signed by a key that is not the pinned one.
    upstream.repo.publish(SUITE, date=time.time() - HOUR / 4, key=stranger)
    shutil.copytree(upstream.repo.root, forged_root)
    upstream.repo.publish(SUITE, date=time.time() - HOUR / 2)
    stale, forged = RepoServer(stale_root), RepoServer(forged_root)
    try:
        daemon = daemons([DEAD], apt_mirrors_policy(upstream, [stale.url, forged.url,
                                                               upstream.url]))
        result = daemon.ctl("pull", APT_POLICY, "--no-progress", timeout=300)
        assert result.returncode == 0, daemon.explain(result)
        assert_apt_gets(apt_client(upstream, daemon), "world", newer)
        seen = upstreams(daemon)
        assert seen[forged.url]["failures"] >= 1, seen
        assert "signature" in seen[forged.url]["last_error"].lower() or \
            "gpgv" in seen[forged.url]["last_error"].lower(), seen[forged.url]
        show_upstreams(daemon)
    finally:
        stale.stop()
        forged.stop()
        stranger.close()
