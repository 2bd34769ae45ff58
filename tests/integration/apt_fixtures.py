"""Fixtures of the apt integration tests: a signed upstream repository served on 127.0.0.1, mirrord
daemons with an apt policy in front of it, and isolated apt-get clients.
"""

import shutil
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from apt_isolated import IsolatedApt, explain
from fake_apt import AptRepo, RepoServer, ThrowawayKey
from mirrord_proc import Mirrord, toml_str

POLICY = "testrepo"
SUITE = "stable"
# State 1 of every test is dated an hour ago, so that "newer" and "older" states fit before now.
HOUR = 3600


class Upstream:
    """Key, repository, server and a temporary directory for one test."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="apt-it-"))
        self.key = ThrowawayKey(self.base, "archive")
        self.repo = AptRepo(self.base / "repo", self.key)
        self.server = RepoServer(self.repo.root)
        self.clients = 0

    @property
    def url(self):
        return self.server.url

    def client(self):
        self.clients += 1
        return IsolatedApt(self.base / f"client-{self.clients}")

    def other_key(self, name="stranger"):
        return ThrowawayKey(self.base, name)

    def close(self):
        self.server.stop()
        self.key.close()
        self.repo.close()
        shutil.rmtree(self.base, ignore_errors=True)


def apt_policy(upstream, mode="verbatim", extra=""):
    return (
        "[[mirror]]\n"
        f"name = {toml_str(POLICY)}\n"
        'source = "apt"\n'
        f"url = {toml_str(upstream.url + '/')}\n"
        f"suites = [{toml_str(SUITE)}]\n"
        'components = ["main"]\n'
        'architectures = ["amd64"]\n'
        f"keyring = {toml_str(upstream.key.keyring)}\n"
        f"mode = {toml_str(mode)}\n" + extra)


@pytest.fixture
def upstream():
    built = Upstream()
    yield built
    built.close()


@pytest.fixture
def make_apt_mirror(upstream):
    started = []

    def make(mode="verbatim", extra="", token=None):
        daemon = Mirrord(["http://127.0.0.1:9"], apt_policy(upstream, mode, extra), token=token)
        started.append(daemon)
        return daemon.start()

    yield make
    for daemon in started:
        daemon.cleanup()


def mirror_url(mirror):
    return f"{mirror.public_url}/apt/{POLICY}"


def get(mirror, path):
    """(status, body) of GET <mirror>/apt/testrepo/<path>."""
    try:
        with urllib.request.urlopen(f"{mirror_url(mirror)}/{path}", timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def pull(mirror):
    started = time.monotonic()
    result = mirror.ctl("pull", POLICY, "--no-progress")
    return result, time.monotonic() - started


def pull_ok(mirror):
    result, seconds = pull(mirror)
    assert result.returncode == 0, mirror.explain(result)
    return seconds


def pull_refused(mirror, *fragments):
    """Runs a pull that must fail; its message must name each fragment."""
    result, _ = pull(mirror)
    assert result.returncode != 0, mirror.explain(result)
    message = result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in message, mirror.explain(result)
    print(f"\nrefused as expected:\n{result.stderr.strip()}")
    return message


def apt_client(upstream, mirror, keyrings=None):
    client = upstream.client()
    client.set_source(mirror_url(mirror), SUITE, keyrings or [upstream.key.keyring])
    return client


def assert_apt_gets(client, package, expected_deb):
    """apt-get update and download work; the downloaded file is byte-identical to upstream's."""
    update = client.update()
    assert update.returncode == 0 and "E:" not in update.stdout + update.stderr, explain(update)
    download = client.download(package)
    assert download.returncode == 0, explain(download)
    got = client.base / "downloads" / expected_deb.name
    assert got.read_bytes() == expected_deb.read_bytes()
    return update, download


def assert_still_serves(upstream, mirror, inrelease, package, deb):
    """The old complete state is what the mirror serves, and apt still works with it."""
    status, body = get(mirror, f"dists/{SUITE}/InRelease")
    assert status == 200 and body == inrelease
    assert_apt_gets(apt_client(upstream, mirror), package, deb)
