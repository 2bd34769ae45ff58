#!/usr/bin/env python3
"""Target 3: ingest. `mirrorctl pull` of a generated repo (several shards, 4 GiB by default) from a
loopback nginx upstream serving the HF API shape (static JSON files and resolve paths), with
hashing and fsync, vs one `curl -o` of the same files to the same disk (no hashing, no fsync),
interleaved. Each run starts after `sync`, from an empty store. Prints the throughput ratio, the
daemon's CPU seconds per GiB, and how many bytes it read back from files per byte ingested (0: the
bytes were hashed as they arrived, with no second pass over what was written)."""

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import hfgen  # noqa: E402
from measure import header, median, ratio_line, spread, value_line  # noqa: E402
from procs import Mirrord, Nginx, cpu_seconds, remove_tree  # noqa: E402
from workspace import GIB, MIB, Scratch, parser, size_arg  # noqa: E402

REPO = "bench/ingest"


def specs(total, shards):
    shard = total // shards
    out = [("config.json", "ingest-config", 2 << 10), ("tokenizer.json", "ingest-tok", 7 * MIB)]
    out += [(f"model-{i:05d}-of-{shards:05d}.safetensors", f"ingest-shard-{i}", shard)
            for i in range(1, shards + 1)]
    return out


def io_read_bytes(pid):
    """rchar: bytes the process (all its threads) read with read()/pread() -- files, not the
    recv() of the downloads."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


def curl_all(urls, dest):
    dest.mkdir(parents=True, exist_ok=True)
    argv = ["curl", "-sS", "--fail"]
    for i, url in enumerate(urls):
        argv += ["-o", str(dest / f"f{i}"), url]
    subprocess.run(["sync"], check=True)
    started = time.monotonic()
    subprocess.run(argv, check=True)
    seconds = time.monotonic() - started
    remove_tree(dest)
    return seconds


def pull(scratch, nginx, round_no, parallel_files):
    state = scratch.path(f"state-{round_no}")
    subprocess.run(["sync"], check=True)
    with Mirrord(state, endpoints=[nginx.url], policies=hfgen.policy("bench-ingest", REPO),
                 parallel_files=parallel_files) as mirror:
        cpu, rchar = cpu_seconds(mirror.pid), io_read_bytes(mirror.pid)
        started = time.monotonic()
        result = mirror.ctl("pull", "bench-ingest")
        seconds = time.monotonic() - started
        cpu, rchar = cpu_seconds(mirror.pid) - cpu, io_read_bytes(mirror.pid) - rchar
        if result.returncode != 0:
            raise SystemExit(f"pull failed ({result.returncode}): {result.stderr}")
    stored = sum(f.stat().st_size for f in (state / "blobs").rglob("*") if f.is_file())
    remove_tree(state)
    return seconds, cpu, rchar, stored


def main():
    p = parser(__doc__)
    p.add_argument("--size", type=size_arg, default=4 * GIB, help="total shard bytes (4G)")
    p.add_argument("--shards", type=int, default=8)
    p.add_argument("--parallel-files", type=int, default=4, help="mirrord [pull] parallel_files")
    args = p.parse_args()
    header(f"ingest: {args.size / GIB:.3g} GiB in {args.shards} shards, "
           f"parallel_files={args.parallel_files}")
    scratch = Scratch(args, "ingest")
    try:
        run(args, scratch)
    finally:
        scratch.cleanup()


def run(args, scratch):
    files = hfgen.materialize(scratch.data, specs(args.size, args.shards))
    total = sum(f.size for f in files)
    www = scratch.path("www")
    commit = hfgen.publish_upstream(www, REPO, files)
    times = {"curl": [], "mirrord": []}
    cpus, reads = [], []
    with Nginx(scratch.path("nginx"), www) as nginx:
        urls = hfgen.resolve_urls(nginx.url, REPO, commit, files)
        for f in files:  # the upstream serves from the page cache, for both clients alike
            subprocess.run(["cat", str(f.data)], stdout=subprocess.DEVNULL, check=True)
        for round_no in range(args.rounds):
            times["curl"].append(curl_all(urls, scratch.path("curl-out")))
            seconds, cpu, rchar, stored = pull(scratch, nginx, round_no, args.parallel_files)
            if stored != total:
                raise SystemExit(f"store holds {stored} bytes after the pull, expected {total}")
            times["mirrord"].append(seconds)
            cpus.append(cpu)
            reads.append(rchar / total)
    for name, values in times.items():
        print(f"   {name}: {spread([total / s / 1e6 for s in values])} MB/s")
    ratio_line("ingest throughput (MB/s) vs curl -o", total / median(times["mirrord"]) / 1e6,
               total / median(times["curl"]) / 1e6, target=0.9)
    value_line("mirrord CPU per GiB ingested", median(cpus) / (total / GIB), " s")
    value_line("file bytes read back per byte ingested", median(reads), "",
               "~0: hashed while received")


if __name__ == "__main__":
    main()
