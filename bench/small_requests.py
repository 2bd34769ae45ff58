#!/usr/bin/env python3
"""Target 2: small requests with keep-alive, 64 connections. HEAD on resolve URLs (hload, since wrk
cannot send HEAD) and GET of the model-info JSON and of a 1 KiB file through resolve (wrk) from
mirrord, vs GET of a 1 KiB static file from nginx measured by the same client, interleaved.
Prints requests/s ratios and p99 latencies."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import hfgen  # noqa: E402
from measure import (header, hload, hload_binary, median, ratio_line, spread,  # noqa: E402
                     value_line, wrk)
from procs import Mirrord, Nginx  # noqa: E402
from workspace import MIB, Scratch, parser  # noqa: E402

REPO = "bench/small"
FILES = [("config.json", "small-config", 1024), ("tokenizer.json", "small-tok", 64 << 10),
         ("model-00001-of-00002.safetensors", "small-s1", MIB),
         ("model-00002-of-00002.safetensors", "small-s2", MIB)]
INFO = {"author": "bench", "tags": ["transformers", "safetensors", "text-generation"],
        "library_name": "transformers", "pipeline_tag": "text-generation", "downloads": 1234567,
        "likes": 321, "createdAt": "2024-09-16T11:55:40.000Z",
        "lastModified": "2024-09-25T14:32:11.000Z"}


def main():
    p = parser(__doc__)
    p.add_argument("--seconds", type=int, default=5, help="wrk duration per run (default 5)")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    args = p.parse_args()
    header(f"small_requests: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s")
    scratch = Scratch(args, "small_requests")
    try:
        run(args, scratch)
    finally:
        scratch.cleanup()


def run(args, scratch):
    files = hfgen.materialize(scratch.data, FILES)
    www = scratch.path("www")
    www.mkdir(exist_ok=True)
    os.link(files[0].data, www / "1k.bin")
    state = hfgen.init_state(scratch.path("state"))
    hfgen.add_generated_repo(state, REPO, files, info=INFO)
    hload_bin = hload_binary(scratch.root)
    resolve_paths = [f"/{REPO}/resolve/main/{f.path}" for f in files]
    opts = dict(seconds=args.seconds, connections=args.connections, threads=args.threads)
    # wrk cannot send HEAD (it waits for the announced body), so HEAD is measured with hload
    # against an nginx baseline measured by hload too; GETs are measured with wrk.
    with Nginx(scratch.path("nginx"), www) as nginx, Mirrord(state) as mirror:
        port = int(mirror.url.rsplit(":", 1)[1])
        runs = {
            "nginx 1 KiB GET (wrk)": lambda: wrk(f"{nginx.url}/1k.bin", **opts),
            "mirrord model info GET (wrk)": lambda: wrk(f"{mirror.url}/api/models/{REPO}",
                                                        **opts),
            "mirrord resolve 1 KiB GET (wrk)": lambda: wrk(
                f"{mirror.url}{resolve_paths[0]}", **opts),
            "nginx 1 KiB GET (hload)": lambda: hload(hload_bin, nginx.port, ["/1k.bin"],
                                                     method="GET", **opts),
            "mirrord resolve HEAD (hload)": lambda: hload(hload_bin, port, resolve_paths,
                                                          method="HEAD", **opts),
        }
        results = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, measure in runs.items():
                result = measure()
                if result["bad"]:
                    raise SystemExit(f"{name}: {result['bad']} failed requests")
                results[name].append(result)
    rps = {name: median([r["rps"] for r in rs]) for name, rs in results.items()}
    for name, rs in results.items():
        print(f"   {name}: {spread([r['rps'] for r in rs])} req/s, p99 "
              f"{spread([r['p99'] * 1e3 for r in rs])} ms")
    ratio_line("HEAD resolve vs nginx 1 KiB GET (req/s, hload)",
               rps["mirrord resolve HEAD (hload)"], rps["nginx 1 KiB GET (hload)"], target=0.7)
    ratio_line("GET model info vs nginx 1 KiB GET (req/s, wrk)",
               rps["mirrord model info GET (wrk)"], rps["nginx 1 KiB GET (wrk)"], target=0.7)
    ratio_line("GET resolve 1 KiB vs nginx 1 KiB GET (req/s, wrk)",
               rps["mirrord resolve 1 KiB GET (wrk)"], rps["nginx 1 KiB GET (wrk)"])
    for name, rs in results.items():
        value_line(f"p99 {name}", median([r["p99"] for r in rs]) * 1e3, " ms")


if __name__ == "__main__":
    main()
