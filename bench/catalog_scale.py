#!/usr/bin/env python3
"""Target 5: catalog scale. A catalog of 10,000 repos / 2,000,000 files, generated straight into
catalog.db (the daemon's own schema), with blobs on disk for the files looked up. Measures daemon
start-up (spawn to ready line), HEAD resolve latency over random files of random repos (one
connection; hload, since wrk cannot send HEAD), and `mirrorctl ls`."""

import hashlib
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import hfgen  # noqa: E402
from measure import header, hload, hload_binary, median, spread, value_line  # noqa: E402
from procs import Mirrord  # noqa: E402
from workspace import Scratch, parser  # noqa: E402


def repo_name(i):
    return f"org{i % 100:02d}/model-{i:05d}"


def file_paths(count):
    names = ["config.json", "tokenizer.json", "generation_config.json", "README.md"]
    shards = count - len(names)
    names += [f"weights/model-{i:05d}-of-{shards:05d}.safetensors" for i in range(1, shards + 1)]
    return names[:count]


def content_of(repo, path):
    return f"{repo}/{path}\n".encode()


def rows_of(repo, paths):
    rows = []
    for path in paths:
        content = content_of(repo, path)
        sha256 = hashlib.sha256(content).hexdigest()
        git_oid = hfgen.git_blob_id(content)
        lfs = path.endswith(hfgen.LFS_SUFFIXES)
        tree_oid = git_oid
        if lfs:
            pointer = (b"version https://git-lfs.github.com/spec/v1\noid sha256:"
                       + sha256.encode() + b"\nsize %d\n" % len(content))
            tree_oid = hfgen.git_blob_id(pointer)
        rows.append((path, sha256, git_oid, tree_oid, lfs, len(content)))
    return rows


def generate(state, repos, files_per_repo):
    started = time.monotonic()
    hfgen.init_state(state)
    db = hfgen.open_catalog(state)
    db.execute("PRAGMA cache_size = -1000000")  # 1 GB: index pages stay in memory
    paths = file_paths(files_per_repo)
    for i in range(repos):
        repo = repo_name(i)
        commit = hashlib.sha1(repo.encode()).hexdigest()
        hfgen.insert_snapshot(db, repo, commit, rows_of(repo, paths),
                              info_json='{"tags":["bench"]}')
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.monotonic() - started


def place_blobs(state, sample):
    for repo, path in sample:
        content = content_of(repo, path)
        target = hfgen.blob_path(state, hashlib.sha256(content).hexdigest())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def main():
    p = parser(__doc__)
    p.add_argument("--repos", type=int, default=10000)
    p.add_argument("--files", type=int, default=200, help="files per repo (default 200)")
    p.add_argument("--lookups", type=int, default=20000, help="distinct files looked up")
    p.add_argument("--seconds", type=int, default=5, help="seconds of lookups per pass (default 5)")
    args = p.parse_args()
    header(f"catalog_scale: {args.repos} repos x {args.files} files")
    scratch = Scratch(args, "catalog_scale")
    try:
        run(args, scratch)
    finally:
        scratch.cleanup()


def run(args, scratch):
    state = scratch.data / f"catalog-{args.repos}x{args.files}"
    if not (state / "catalog.db").exists():
        shutil.rmtree(state, ignore_errors=True)
        seconds = generate(state, args.repos, args.files)
        print(f"   generated {args.repos * args.files} files in {seconds:.1f} s "
              f"({(state / 'catalog.db').stat().st_size / 1e6:.0f} MB)")
    rng = random.Random(8)
    paths = file_paths(args.files)
    sample = [(repo_name(rng.randrange(args.repos)), rng.choice(paths))
              for _ in range(args.lookups)]
    place_blobs(state, sample)
    hload_bin = hload_binary(scratch.root)
    startups, ls_times = [], []
    for _ in range(args.rounds):
        with Mirrord(state) as mirror:
            startups.append(mirror.startup_seconds)
    with Mirrord(state) as mirror:
        startups.append(mirror.startup_seconds)
        urls = [f"/{repo}/resolve/main/{path}" for repo, path in sample]
        port = int(mirror.url.rsplit(":", 1)[1])
        first = hload(hload_bin, port, urls, args.seconds, connections=1, threads=1)
        again = hload(hload_bin, port, urls, args.seconds, connections=1, threads=1)
        for result in (first, again):
            if result["bad"]:
                raise SystemExit(f"{result['bad']} failed lookups")
        for _ in range(args.rounds):
            started = time.monotonic()
            listing = mirror.ctl("ls")
            ls_times.append(time.monotonic() - started)
            if listing.returncode != 0 or len(listing.stdout.splitlines()) < args.repos:
                raise SystemExit(f"mirrorctl ls failed or is short: {listing.stderr[:200]}")
    print(f"   start-up {spread(startups)} s; ls {spread(ls_times)} s; lookups "
          f"{first['rps']:.0f} then {again['rps']:.0f} req/s over {len(set(sample))} files")
    value_line("daemon start-up", median(startups), " s", "< 2 s")
    value_line("resolve HEAD p99, first pass", first["p99"] * 1e3, " ms", "< 1 ms")
    value_line("resolve HEAD p99, second pass", again["p99"] * 1e3, " ms", "< 1 ms")
    value_line("mirrorctl ls", median(ls_times), " s", "< 1 s")


if __name__ == "__main__":
    main()
