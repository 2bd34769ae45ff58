"""Repos generated for a test, in the layout the fake hub loads (ROOT/ORG/NAME/files): files whose
names end in .safetensors or .bin are Git LFS files there, the others regular git blobs. The
contents pass the daemon's admission checks (policies/inspect): LFS files are valid safetensors
files (one U8 tensor), small files are JSON text, so that every file is published."""

import json
import random
import struct
from pathlib import Path


def write_repo(root, repo_id, files):
    """Writes `files` ({path: bytes}) as repo `repo_id` under `root`; returns the repo dir."""
    repo_dir = Path(root) / repo_id
    for path, content in files.items():
        target = repo_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return repo_dir


def random_bytes(seed, size):
    return random.Random(seed).randbytes(size)


def safetensors_file(seed, size):
    """A valid safetensors file of exactly `size` bytes (at least 80): one U8 tensor filled with
    seeded random bytes, the header padded with spaces to a multiple of 8."""
    def header_for(count):
        text = json.dumps({"weight": {"dtype": "U8", "shape": [count],
                                      "data_offsets": [0, count]}}).encode()
        return text + b" " * (-len(text) % 8)

    count = size - 8 - len(header_for(size))
    header = header_for(count)
    count = size - 8 - len(header)
    header = header_for(count)
    assert 8 + len(header) + count == size, "pick a size whose header length is stable"
    return struct.pack("<Q", len(header)) + header + random_bytes(seed, count)


def json_file(seed, size):
    """A JSON document of exactly `size` bytes (at least 12): one string of seeded hex digits."""
    digits = random_bytes(seed, size).hex()[:max(0, size - 12)]
    text = json.dumps({"data": digits}).encode()
    return text + b" " * (size - len(text))


def mixed_files(seed, large, large_size, small, small_sizes=(12, 24 * 1024)):
    """`large` LFS files of `large_size` bytes and `small` regular files of random sizes, named so
    that the sorted listing interleaves them (a pull meets both kinds all along)."""
    rng = random.Random(seed)
    files = {}
    for i in range(large):
        files[f"{i * small // max(large, 1):03d}-shard-{i:02d}.safetensors"] = safetensors_file(
            f"{seed}-large-{i}", large_size)
    for i in range(small):
        size = rng.randint(*small_sizes)
        files[f"{i:03d}-part/config-{i:03d}.json"] = json_file(f"{seed}-small-{i}", size)
    return files
