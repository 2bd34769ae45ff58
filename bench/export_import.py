#!/usr/bin/env python3
"""Air-gapped transfer: `mirrorctl export` of a pulled repo to a .tar bundle and `mirrorctl
import` of it into a second mirrord that has no upstream, for the tiny Qwen fixtures of the
integration tests (served by their fake hub) and for a generated Hugging Face repo (1 GiB by
default, served by a loopback nginx in the HF API shape). Baselines in the same run: `tar -cf` of
the same blob files (export), and `tar -xf` of the bundle followed by `sha256sum` of every blob
(an import that only checks the bytes). Prints bundle sizes, times and throughputs."""

import hashlib
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "lib"))
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))  # the fake hub and its fixtures

import hfgen  # noqa: E402
from measure import header, median, ratio_line, value_line  # noqa: E402
from procs import Mirrord, Nginx, remove_tree  # noqa: E402
from workspace import GIB, MIB, Scratch, parser, size_arg  # noqa: E402

REPO = "bench/export"


def ctl_ok(mirror, *args):
    started = time.monotonic()
    result = mirror.ctl(*args)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"mirrorctl {' '.join(args)} failed ({result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    return seconds


def blob_files(state):
    return sorted(p for p in (state / "blobs").rglob("*") if p.is_file())


def tar_baseline(scratch, blobs, round_no):
    """Seconds to tar the blob files, then to untar and sha256 them."""
    out = scratch.path(f"baseline-{round_no}.tar")
    subprocess.run(["sync"], check=True)
    started = time.monotonic()
    subprocess.run(["tar", "-cf", str(out)] + [str(p) for p in blobs], check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run(["sync"], check=True)
    export = time.monotonic() - started
    target = scratch.path(f"baseline-{round_no}")
    target.mkdir()
    started = time.monotonic()
    subprocess.run(["tar", "-xf", str(out), "-C", str(target)], check=True)
    for path in target.rglob("*"):
        if path.is_file():
            with open(path, "rb") as f:
                hashlib.file_digest(f, "sha256")
    subprocess.run(["sync"], check=True)
    imported = time.monotonic() - started
    remove_tree(target)
    out.unlink()
    return export, imported


def transfer(scratch, source, target_name, round_no):
    """(bundle bytes, export seconds, import seconds) of one export + import into a new mirror."""
    bundle = scratch.path(f"bundle-{round_no}.tar")
    key = scratch.path("source.pem")
    key.write_text(source.ctl("keys", "manifest").stdout)
    subprocess.run(["sync"], check=True)
    started = time.monotonic()
    ctl_ok(source, "export", target_name, "--to", str(bundle))
    subprocess.run(["sync"], check=True)
    export = time.monotonic() - started
    size = bundle.stat().st_size
    state = scratch.path(f"offline-{round_no}")
    with Mirrord(state) as offline:  # no upstream: every endpoint is a closed port
        started = time.monotonic()
        ctl_ok(offline, "import", str(bundle), "--key", str(key))
        imported = time.monotonic() - started
    remove_tree(state)
    bundle.unlink()
    return size, export, imported


def measure(label, scratch, source, target_name, rounds):
    blobs = blob_files(source.state)
    stored = sum(p.stat().st_size for p in blobs)
    ours = {"export": [], "import": []}
    base = {"export": [], "import": []}
    size = 0
    for round_no in range(rounds):
        size, export, imported = transfer(scratch, source, target_name, round_no)
        ours["export"].append(export)
        ours["import"].append(imported)
        b_export, b_import = tar_baseline(scratch, blobs, round_no)
        base["export"].append(b_export)
        base["import"].append(b_import)
    value_line(f"{label}: blobs stored", stored / MIB, " MiB")
    value_line(f"{label}: bundle size", size / MIB, " MiB",
               f"bundle/stored = {size / stored:.4f}")
    for step in ("export", "import"):
        value_line(f"{label}: {step} time", median(ours[step]), " s")
        ratio_line(f"{label}: {step} throughput (MB/s) vs tar" +
                   (" -cf" if step == "export" else " -xf + sha256"),
                   stored / median(ours[step]) / 1e6, stored / median(base[step]) / 1e6)


def tiny(scratch, rounds):
    from fake_hf import FakeHub
    from hf_expectations import Q05, REPOS_DIR
    with FakeHub(str(REPOS_DIR)) as hub:
        with Mirrord(scratch.path("tiny-source"), endpoints=[hub.url],
                     policies=hfgen.policy("tiny", Q05)) as source:
            ctl_ok(source, "pull", "tiny")
            measure("tiny Qwen fixture", scratch, source, "tiny", rounds)


def generated(scratch, size, rounds):
    shards = max(1, size // (256 * MIB))
    specs = [("config.json", "export-config", 2 << 10), ("tokenizer.json", "export-tok", 7 * MIB)]
    specs += [(f"model-{i:05d}-of-{shards:05d}.safetensors", f"export-shard-{i}",
               size // shards) for i in range(1, shards + 1)]
    files = hfgen.materialize(scratch.data, specs)
    www = scratch.path("www")
    hfgen.publish_upstream(www, REPO, files)
    with Nginx(scratch.path("nginx"), www) as nginx:
        with Mirrord(scratch.path("gen-source"), endpoints=[nginx.url],
                     policies=hfgen.policy("generated", REPO)) as source:
            ctl_ok(source, "pull", "generated")
    with Mirrord(scratch.path("gen-source")) as source:  # upstream gone: export needs none
        measure(f"generated {size / GIB:.3g} GiB repo", scratch, source, "generated", rounds)


def main():
    p = parser(__doc__)
    p.add_argument("--size", type=size_arg, default=GIB, help="generated repo bytes (1G)")
    args = p.parse_args()
    header(f"export/import: tiny fixtures and a generated {args.size / GIB:.3g} GiB repo")
    scratch = Scratch(args, "export_import")
    try:
        tiny(scratch, args.rounds)
        generated(scratch, args.size, args.rounds)
    finally:
        scratch.cleanup()


if __name__ == "__main__":
    main()
