#!/usr/bin/env python3
"""Target 1: serving a large blob. One curl downloading a 2 GiB blob from mirrord (a resolve URL)
vs the same file (same inode, same page cache) from nginx with sendfile; then N parallel curls.
Warm page cache. Prints the mirrord/nginx throughput ratios."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import hfgen  # noqa: E402
from measure import header, median, parallel_curl, ratio_line, spread, value_line  # noqa: E402
from procs import Mirrord, Nginx, cpu_seconds  # noqa: E402
from workspace import GIB, Scratch, parser, size_arg  # noqa: E402

REPO = "bench/large"


def warm(path):
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def main():
    p = parser(__doc__)
    p.add_argument("--size", type=size_arg, default=2 * GIB, help="blob size (default 2G)")
    p.add_argument("--clients", type=int, default=8, help="parallel clients (default 8)")
    args = p.parse_args()
    header(f"serve_large: {args.size / GIB:.3g} GiB blob, 1 and {args.clients} clients")
    scratch = Scratch(args, "serve_large")
    try:
        run(args, scratch)
    finally:
        scratch.cleanup()


def run(args, scratch):
    files = hfgen.materialize(scratch.data, [("model.safetensors", "large", args.size)])
    big = files[0].data
    www = scratch.path("www")
    www.mkdir(exist_ok=True)
    os.link(big, www / "big.bin")
    state = hfgen.init_state(scratch.path("state"))
    hfgen.add_generated_repo(state, REPO, files)
    warm(big)
    with Nginx(scratch.path("nginx"), www) as nginx, Mirrord(state) as mirror:
        urls = {"nginx": f"{nginx.url}/big.bin",
                "mirrord": f"{mirror.url}/{REPO}/resolve/main/model.safetensors"}
        single = {"nginx": [], "mirrord": []}
        multi = {"nginx": [], "mirrord": []}
        cpu_before = cpu_seconds(mirror.pid)
        served = 0
        for _ in range(args.rounds):
            for name in ("nginx", "mirrord"):
                size, seconds = parallel_curl([urls[name]])
                assert size == args.size, f"{name} sent {size} bytes"
                single[name].append(size / seconds / 1e6)
                total, seconds = parallel_curl([urls[name]] * args.clients)
                assert total == args.size * args.clients, f"{name} sent {total} bytes"
                multi[name].append(total / seconds / 1e6)
                if name == "mirrord":
                    served += size + total
        cpu = cpu_seconds(mirror.pid) - cpu_before
    for name in ("nginx", "mirrord"):
        print(f"   {name}: 1 client {spread(single[name])} MB/s, "
              f"{args.clients} clients {spread(multi[name])} MB/s")
    ratio_line("large blob, 1 client (MB/s)", median(single["mirrord"]),
               median(single["nginx"]), target=1.0)
    ratio_line(f"large blob, {args.clients} clients (MB/s, total)", median(multi["mirrord"]),
               median(multi["nginx"]), target=0.9)
    value_line("mirrord CPU per GiB served", cpu / (served / GIB), " s")


if __name__ == "__main__":
    main()
