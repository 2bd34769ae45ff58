"""A fake-hub repo whose `main` moves: `gc/model`, changed between pulls (a new commit with a new
safetensors shard), as a moving branch does on the real Hub. Shared by the retention, GC, quota
and schedule tests."""

import hashlib
import json
import struct
import urllib.request

import pytest

from fake_hf import FakeHub
from fake_hf_repos import RepoFile

REPO = "gc/model"
SHARD_BYTES = 256 * 1024
SHARD_KEY = f"{REPO}/model.safetensors"


def safetensors(version: int) -> bytes:
    """A valid safetensors file: one U8 tensor of SHARD_BYTES bytes that differ per version."""
    block = hashlib.sha256(f"shard {version}".encode()).digest()
    data = (block * (SHARD_BYTES // len(block) + 1))[:SHARD_BYTES]
    header = json.dumps({"w": {"dtype": "U8", "shape": [SHARD_BYTES],
                               "data_offsets": [0, SHARD_BYTES]}}).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + data


def set_revision(hub, version):
    """Moves the fake's `main` of REPO to a new commit; returns (commit, shard bytes)."""
    repo = hub.repos[REPO]
    shard = safetensors(version)
    repo.files = {
        "config.json": RepoFile("config.json", json.dumps({"version": version}).encode(), False),
        "model.safetensors": RepoFile("model.safetensors", shard, True),
    }
    repo.commit = hashlib.sha1(f"{REPO} revision {version}".encode()).hexdigest()
    return repo.commit, shard


@pytest.fixture
def gc_hub(tmp_path):
    (tmp_path / "repos" / "gc" / "model").mkdir(parents=True)
    (tmp_path / "repos" / "gc" / "model" / "config.json").write_text("{}")
    with FakeHub(str(tmp_path / "repos")) as hub:
        yield hub


def policy(extra=""):
    return ('[[mirror]]\nname = "rolling"\nsource = "hf"\n'
            f'repo = "{REPO}"\n{extra}\n')


def download(daemon, revision, path="model.safetensors"):
    url = f"{daemon.public_url}/{REPO}/resolve/{revision}/{path}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()
