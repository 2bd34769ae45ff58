"""Repos generated for a test, in the layout the fake hub loads (ROOT/ORG/NAME/files): files whose
names end in .safetensors or .bin are Git LFS files there, the others regular git blobs."""

import random
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


def mixed_files(seed, large, large_size, small, small_sizes=(1, 24 * 1024)):
    """`large` LFS files of `large_size` bytes and `small` regular files of random sizes, named so
    that the sorted listing interleaves them (a pull meets both kinds all along)."""
    rng = random.Random(seed)
    files = {}
    for i in range(large):
        files[f"{i * small // max(large, 1):03d}-shard-{i:02d}.safetensors"] = random_bytes(
            f"{seed}-large-{i}", large_size)
    for i in range(small):
        size = rng.randint(*small_sizes)
        files[f"{i:03d}-part/config-{i:03d}.json"] = random_bytes(f"{seed}-small-{i}", size)
    return files
