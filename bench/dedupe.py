#!/usr/bin/env python3
"""Target 6: dedupe. Pulls two generated repos that share shards from a loopback nginx upstream
and compares the store's disk use with the unique bytes; also counts how often the second pull
fetched a shared shard again (0 expected)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import hfgen  # noqa: E402
from measure import header, value_line  # noqa: E402
from procs import Mirrord, Nginx  # noqa: E402
from workspace import MIB, Scratch, parser, size_arg  # noqa: E402

REPOS = {"bench/dedupe-a": ["shared-1", "shared-2", "only-a"],
         "bench/dedupe-b": ["shared-1", "shared-2", "only-b"]}


def main():
    p = parser(__doc__)
    p.add_argument("--shard-size", type=size_arg, default=256 * MIB, help="bytes per shard")
    args = p.parse_args()
    header(f"dedupe: two repos of 3 shards of {args.shard_size / MIB:.4g} MiB, 2 shared")
    scratch = Scratch(args, "dedupe")
    try:
        run(args, scratch)
    finally:
        scratch.cleanup()


def disk_bytes(root):
    """Bytes allocated on disk under root (blocks, so hard links and sparse files count once)."""
    seen, total = set(), 0
    for path in Path(root).rglob("*"):
        st = path.lstat()
        if path.is_file() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def run(args, scratch):
    www = scratch.path("www")
    unique = {}
    policies = ""
    for n, (repo, seeds) in enumerate(REPOS.items()):
        specs = [("config.json", f"dedupe-config-{n}", 4096)]
        specs += [(f"model-{i:05d}-of-00003.safetensors", f"dedupe-{seed}", args.shard_size)
                  for i, seed in enumerate(seeds, 1)]
        files = hfgen.materialize(scratch.data, specs)
        hfgen.publish_upstream(www, repo, files)
        unique.update({f.sha256: f.size for f in files})
        policies += hfgen.policy(repo.split("/")[1], repo) + "\n"
    with Nginx(scratch.path("nginx"), www, access_log=True) as nginx, \
            Mirrord(scratch.path("state"), endpoints=[nginx.url], policies=policies) as mirror:
        for n, repo in enumerate(REPOS):
            result = mirror.ctl("pull", repo.split("/")[1])
            if result.returncode != 0:
                raise SystemExit(f"pull {repo} failed: {result.stderr}")
            if n == 0:
                log_mark = nginx.access_log.stat().st_size if nginx.access_log.exists() else 0
        state = mirror.state
    # Access log lines: ... "GET /path HTTP/1.1" ...; shards 1 and 2 are the shared ones.
    second_pull = nginx.access_log.read_text()[log_mark:].splitlines()
    shared_paths = ["/bench/dedupe-b/resolve/", "-of-00003.safetensors"]
    refetched = sum(1 for line in second_pull
                    if all(p in line for p in shared_paths)
                    and ("model-00001-" in line or "model-00002-" in line))
    stored = disk_bytes(state / "blobs")
    unique_bytes = sum(unique.values())
    logical = sum(f.stat().st_size for f in (state / "blobs").rglob("*") if f.is_file())
    fetched_new = sum(1 for line in second_pull if "/bench/dedupe-b/resolve/" in line
                      and "model-00003-" in line)
    if fetched_new == 0:
        raise SystemExit("the upstream log does not show the second pull: cannot count refetches")
    print(f"   store: {stored} bytes on disk, {logical} bytes in blobs, {unique_bytes} unique")
    value_line("store disk use / unique bytes", stored / unique_bytes, "",
               "1.0, block rounding only")
    value_line("store logical bytes - unique bytes", logical - unique_bytes, " B", "0")
    value_line("shared shards fetched again by the second pull", refetched, "", "0")


if __name__ == "__main__":
    main()
